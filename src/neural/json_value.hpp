// Typed access to the meta.json files inside model archives (JsonValue: core/json.hpp).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "json/json.hpp"

namespace pinna::detail {

/// Typed access to members of a meta.json object with messages of the form
/// "<source>: meta.json <path> ..." (ModelError).
class MetaReader {
  public:
    MetaReader(const JsonValue& object, std::string source, std::string path = "");

    bool has(const std::string& key) const;
    const JsonValue& value(const std::string& key) const;  ///< required member
    std::string string(const std::string& key) const;
    std::string string_or(const std::string& key, const std::string& fallback) const;
    double number(const std::string& key) const;
    /// A whole number in [min, max].
    long long integer(const std::string& key, long long min, long long max) const;
    std::vector<double> numbers(const std::string& key) const;  ///< array of numbers
    std::vector<std::string> strings(const std::string& key) const;
    MetaReader object(const std::string& key) const;

    /// "<source>: meta.json <path.key>" for messages.
    std::string where(const std::string& key) const;
    [[noreturn]] void fail(const std::string& key, const std::string& what) const;
    const JsonValue& json() const noexcept { return *object_; }

  private:
    const JsonValue* object_;
    std::string source_;
    std::string path_;
};

}  // namespace pinna::detail
