#include "cli/json.hpp"

#include <cmath>
#include <cstdio>

namespace pinna::cli {

namespace {
// Length of the valid UTF-8 sequence starting at s[i], or 0.
std::size_t utf8_length(const std::string& s, std::size_t i) {
    const auto b = static_cast<unsigned char>(s[i]);
    const std::size_t n = b < 0x80           ? 1
                          : (b >> 5) == 0x6  ? 2
                          : (b >> 4) == 0xE  ? 3
                          : (b >> 3) == 0x1E ? 4
                                             : 0;
    if (n == 0 || i + n > s.size())
        return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2)
            return 0;
    return n;
}
}  // namespace

std::string Json::quote(const std::string& in) {
    // JSON must be UTF-8. Older SOFA files store Latin-1 text (e.g. 0xF6 for an o with
    // umlaut); bytes that are not valid UTF-8 are taken as Latin-1 and converted.
    std::string s;
    for (std::size_t i = 0; i < in.size();) {
        const std::size_t n = utf8_length(in, i);
        if (n > 0) {
            s.append(in, i, n);
            i += n;
        } else {
            const auto b = static_cast<unsigned char>(in[i++]);
            s += static_cast<char>(0xC0 | (b >> 6));
            s += static_cast<char>(0x80 | (b & 0x3F));
        }
    }
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
