#include "cli/json.hpp"

#include <cmath>
#include <cstdio>

#include "core/text.hpp"

namespace pinna::cli {

std::string Json::quote(const std::string& in) {
    // JSON must be UTF-8; older SOFA files store Latin-1 text.
    const std::string s = detail::to_utf8(in);
    std::string o = "\"";
    for (unsigned char c : s) {
        switch (c) {
            case '"':
                o += "\\\"";
                break;
            case '\\':
                o += "\\\\";
                break;
            case '\n':
                o += "\\n";
                break;
            case '\r':
                o += "\\r";
                break;
            case '\t':
                o += "\\t";
                break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    o += buf;
                } else {
                    o += static_cast<char>(c);  // UTF-8 passes through
                }
        }
    }
    return o + "\"";
}

void Json::key(const std::string& k) {
    if (!first_.empty()) {
        if (!first_.back())
            out_ += ",";
        first_.back() = false;
        out_ += "\n" + std::string(2 * first_.size(), ' ');
    }
    if (!k.empty())
        out_ += quote(k) + ": ";
}

Json& Json::begin_object(const std::string& k) {
    key(k);
    out_ += "{";
    first_.push_back(true);
    return *this;
}

Json& Json::end_object() {
    const bool empty = first_.back();
    first_.pop_back();
    if (!empty)
        out_ += "\n" + std::string(2 * first_.size(), ' ');
    out_ += "}";
    return *this;
}

Json& Json::begin_array(const std::string& k) {
    key(k);
    out_ += "[";
    first_.push_back(true);
    return *this;
}

Json& Json::end_array() {
    const bool empty = first_.back();
    first_.pop_back();
    if (!empty)
        out_ += "\n" + std::string(2 * first_.size(), ' ');
    out_ += "]";
    return *this;
}

Json& Json::value(const std::string& k, const std::string& v) {
    key(k);
    out_ += quote(v);
    return *this;
}

Json& Json::value(const std::string& k, double v) {
    key(k);
    if (!std::isfinite(v)) {
        out_ += "null";  // JSON has no inf/nan
    } else {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.10g", v);
        out_ += buf;
    }
    return *this;
}

Json& Json::value(const std::string& k, long long v) {
    key(k);
    out_ += std::to_string(v);
    return *this;
}

Json& Json::value(const std::string& k, bool v) {
    key(k);
    out_ += v ? "true" : "false";
    return *this;
}

Json& Json::null(const std::string& k) {
    key(k);
    out_ += "null";
    return *this;
}

}  // namespace pinna::cli
