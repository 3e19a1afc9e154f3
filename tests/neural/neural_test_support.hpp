// Helpers for the pinna_torch tests: model and fixture paths, reference files.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "neural/json_value.hpp"
#include "pinna/geometry.hpp"

namespace pinna::test {

inline std::string source_dir() {
    return PINNA_SOURCE_DIR;
}
inline std::string model_file(const std::string& name) {
    return source_dir() + "/models/" + name;
}
inline std::string fixture(const std::string& name) {
    return source_dir() + "/tests/neural/fixtures/" + name;
}
inline bool file_exists(const std::string& path) {
    return std::ifstream(path).good();
}
inline std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}
inline detail::JsonValue read_json(const std::string& path) {
    return detail::JsonValue::parse(read_text(path), path);
}

/// Nested JSON arrays of numbers, flattened in row-major order.
inline void flatten(const detail::JsonValue& v, std::vector<double>& out) {
    if (v.is_array()) {
        for (const auto& item : v.items())
            flatten(item, out);
    } else {
        out.push_back(v.as_number());
    }
}
inline std::vector<double> flat(const detail::JsonValue& v) {
    std::vector<double> out;
    flatten(v, out);
    return out;
}

/// Directions of [n, 3] unit vectors (a JSON array of triples).
inline std::vector<Direction> directions_of(const detail::JsonValue& v) {
    std::vector<Direction> out;
    for (const auto& row : v.items())
        out.push_back(to_direction(
            {row.items()[0].as_number(), row.items()[1].as_number(), row.items()[2].as_number()}));
    return out;
}

}  // namespace pinna::test
