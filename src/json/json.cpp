#include "json/json.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <utility>

namespace pinna::detail {

class JsonParser {
  public:
    JsonParser(const std::string& text, const std::string& source, const JsonOptions& options)
        : text_(text), source_(source), options_(options) {}

    JsonValue document() {
        JsonValue v = parse_value(0);
        skip_blanks();
        if (at_ != text_.size())
            fail("unexpected text after the JSON value");
        return v;
    }

  private:
    [[noreturn]] void fail(const std::string& what) const {
        std::size_t line = 1;
        for (std::size_t i = 0; i < at_ && i < text_.size(); ++i)
            line += text_[i] == '\n';
        const std::string message = source_ + ": invalid JSON at line " + std::to_string(line) +
                                    " (byte " + std::to_string(at_) + "): " + what;
        throw_error(options_.error_kind, message);
    }
    bool done() const { return at_ >= text_.size(); }
    char peek() const { return done() ? '\0' : text_[at_]; }
    void skip_blanks() {
        while (!done() && (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n' ||
                           text_[at_] == '\r'))
            ++at_;
    }
    bool take(char c) {
        skip_blanks();
        if (peek() != c)
            return false;
        ++at_;
        return true;
    }
    void require(char c) {
        if (!take(c))
            fail(std::string("expected '") + c + "'");
    }
    bool word(const char* w) {
        const std::size_t n = std::strlen(w);
        if (text_.compare(at_, n, w) != 0)
            return false;
        at_ += n;
        return true;
    }

    static void append_utf8(std::string& out, unsigned long code) {
        if (code < 0x80) {
            out += static_cast<char>(code);
        } else if (code < 0x800) {
            out += static_cast<char>(0xC0 | (code >> 6));
            out += static_cast<char>(0x80 | (code & 0x3F));
        } else if (code < 0x10000) {
            out += static_cast<char>(0xE0 | (code >> 12));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (code >> 18));
            out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
        }
    }

    unsigned long hex4() {
        if (at_ + 4 > text_.size())
            fail("truncated \\u escape");
        unsigned long code = 0;
        for (int i = 0; i < 4; ++i) {
            const char h = text_[at_++];
            int digit = -1;
            if (h >= '0' && h <= '9')
                digit = h - '0';
            else if (h >= 'a' && h <= 'f')
                digit = h - 'a' + 10;
            else if (h >= 'A' && h <= 'F')
                digit = h - 'A' + 10;
            if (digit < 0)
                fail("bad hex digit in a \\u escape");
            code = code * 16 + static_cast<unsigned long>(digit);
        }
        return code;
    }

    std::string parse_string() {
        require('"');
        std::string out;
        for (;;) {
            if (done())
                fail("unterminated string");
            const char c = text_[at_++];
            if (c == '"')
                return out;
            if (static_cast<unsigned char>(c) < 0x20)
                fail("raw control character in a string");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (done())
                fail("unterminated escape");
            const char e = text_[at_++];
            switch (e) {
                case '"':
                    out += '"';
                    break;
                case '\\':
                    out += '\\';
                    break;
                case '/':
                    out += '/';
                    break;
                case 'b':
                    out += '\b';
                    break;
                case 'f':
                    out += '\f';
                    break;
                case 'n':
                    out += '\n';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'u': {
                    unsigned long code = hex4();
                    if (code >= 0xD800 && code < 0xDC00 && text_.compare(at_, 2, "\\u") == 0) {
                        at_ += 2;
                        const unsigned long low = hex4();
                        if (low >= 0xDC00 && low < 0xE000)
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                        else
                            code = 0xFFFD;
                    } else if (code >= 0xD800 && code < 0xE000) {
                        code = 0xFFFD;
                    }
                    append_utf8(out, code);
                    break;
                }
                default:
                    fail(std::string("unknown escape '\\") + e + "'");
            }
        }
    }

    double parse_number() {
        const char* begin = text_.c_str() + at_;
        char* end = nullptr;
        errno = 0;
        const double v = std::strtod(begin, &end);
        if (end == begin)
            fail("expected a value");
        // strtod also reads "nan", "inf" and hex floats: only JSON number characters count.
        for (const char* p = begin; p < end; ++p)
            if (std::strchr("0123456789+-.eE", *p) == nullptr)
                fail("expected a value");
        if (errno == ERANGE && std::isinf(v))
            fail("number out of range");
        at_ += static_cast<std::size_t>(end - begin);
        return v;
    }

    JsonValue parse_value(std::size_t depth) {
        if (depth > options_.max_depth)
            fail("nested deeper than " + std::to_string(options_.max_depth) + " levels");
        skip_blanks();
        if (done())
            fail("unexpected end of the document");
        JsonValue v;
        const char c = peek();
        if (c == '{') {
            ++at_;
            v.type_ = JsonValue::Type::object;
            if (take('}'))
                return v;
            do {
                skip_blanks();
                std::string key = parse_string();
                require(':');
                JsonValue item = parse_value(depth + 1);
                v.members_.emplace_back(std::move(key), std::move(item));
                if (v.members_.size() > options_.max_items)
                    fail("an object with more than " + std::to_string(options_.max_items) +
                         " members");
            } while (take(','));
            require('}');
        } else if (c == '[') {
            ++at_;
            v.type_ = JsonValue::Type::array;
            if (take(']'))
                return v;
            do {
                v.items_.push_back(parse_value(depth + 1));
                if (v.items_.size() > options_.max_items)
                    fail("an array with more than " + std::to_string(options_.max_items) +
                         " items");
            } while (take(','));
            require(']');
        } else if (c == '"') {
            v.type_ = JsonValue::Type::string;
            v.string_ = parse_string();
        } else if (word("null")) {
            v.type_ = JsonValue::Type::null;
        } else if (word("true")) {
            v.type_ = JsonValue::Type::boolean;
            v.boolean_ = true;
        } else if (word("false")) {
            v.type_ = JsonValue::Type::boolean;
        } else if (word("NaN")) {
            v.type_ = JsonValue::Type::number;
            v.number_ = std::numeric_limits<double>::quiet_NaN();
        } else if (word("Infinity")) {
            v.type_ = JsonValue::Type::number;
            v.number_ = std::numeric_limits<double>::infinity();
        } else if (word("-Infinity")) {
            v.type_ = JsonValue::Type::number;
            v.number_ = -std::numeric_limits<double>::infinity();
        } else {
            v.type_ = JsonValue::Type::number;
            v.number_ = parse_number();
        }
        return v;
    }

    const std::string& text_;
    const std::string& source_;
    const JsonOptions& options_;
    std::size_t at_ = 0;
};

JsonValue JsonValue::parse(const std::string& text, const std::string& source,
                           const JsonOptions& options) {
    return JsonParser(text, source, options).document();
}

const JsonValue* JsonValue::find(const std::string& key) const noexcept {
    for (const auto& m : members_)
        if (m.first == key)
            return &m.second;
    return nullptr;
}

const char* JsonValue::type_name(Type type) noexcept {
    switch (type) {
        case Type::null:
            return "null";
        case Type::boolean:
            return "a boolean";
        case Type::number:
            return "a number";
        case Type::string:
            return "a string";
        case Type::array:
            return "an array";
        case Type::object:
            return "an object";
    }
    return "?";
}

}  // namespace pinna::detail
