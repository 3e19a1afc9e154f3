#include "torch/json_value.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <utility>

#include "pinna/error.hpp"

namespace pinna::detail {

namespace {
constexpr std::size_t kMaxDepth = 64;
}  // namespace

class JsonParser {
  public:
    JsonParser(const std::string& text, const std::string& source) : text_(text), source_(source) {}

    JsonValue document() {
        JsonValue v = parse_value(0);
        skip_blanks();
        if (at_ != text_.size())
            fail("unexpected text after the JSON value");
        return v;
    }

  private:
    [[noreturn]] void fail(const std::string& what) const {
        throw ModelError(source_ + ": invalid JSON at byte " + std::to_string(at_) + ": " + what);
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
        if (depth > kMaxDepth)
            fail("nested deeper than " + std::to_string(kMaxDepth) + " levels");
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
            } while (take(','));
            require('}');
        } else if (c == '[') {
            ++at_;
            v.type_ = JsonValue::Type::array;
            if (take(']'))
                return v;
            do {
                v.items_.push_back(parse_value(depth + 1));
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
    std::size_t at_ = 0;
};

JsonValue JsonValue::parse(const std::string& text, const std::string& source) {
    return JsonParser(text, source).document();
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

// ---------------------------------------------------------------------------------------

MetaReader::MetaReader(const JsonValue& object, std::string source, std::string path)
    : object_(&object), source_(std::move(source)), path_(std::move(path)) {
    if (!object.is_object())
        throw ModelError(source_ + ": meta.json " + (path_.empty() ? "document" : path_) + " is " +
                         JsonValue::type_name(object.type()) + ", not an object");
}

std::string MetaReader::where(const std::string& key) const {
    return source_ + ": meta.json \"" + (path_.empty() ? key : path_ + "." + key) + "\"";
}

void MetaReader::fail(const std::string& key, const std::string& what) const {
    throw ModelError(where(key) + " " + what);
}

bool MetaReader::has(const std::string& key) const {
    return object_->find(key) != nullptr;
}

const JsonValue& MetaReader::value(const std::string& key) const {
    const JsonValue* v = object_->find(key);
    if (v == nullptr)
        fail(key, "is missing");
    return *v;
}

std::string MetaReader::string(const std::string& key) const {
    const JsonValue& v = value(key);
    if (!v.is_string())
        fail(key, std::string("is ") + JsonValue::type_name(v.type()) + ", expected a string");
    return v.as_string();
}

std::string MetaReader::string_or(const std::string& key, const std::string& fallback) const {
    return has(key) ? string(key) : fallback;
}

double MetaReader::number(const std::string& key) const {
    const JsonValue& v = value(key);
    if (!v.is_number())
        fail(key, std::string("is ") + JsonValue::type_name(v.type()) + ", expected a number");
    return v.as_number();
}

long long MetaReader::integer(const std::string& key, long long min, long long max) const {
    const double v = number(key);
    if (!(v >= static_cast<double>(min) && v <= static_cast<double>(max)) || std::floor(v) != v)
        fail(key, "is " + std::to_string(v) + ", expected a whole number in " +
                      std::to_string(min) + ".." + std::to_string(max));
    return static_cast<long long>(v);
}

std::vector<double> MetaReader::numbers(const std::string& key) const {
    const JsonValue& v = value(key);
    if (!v.is_array())
        fail(key, std::string("is ") + JsonValue::type_name(v.type()) +
                      ", expected an array of numbers");
    std::vector<double> out;
    out.reserve(v.items().size());
    for (std::size_t i = 0; i < v.items().size(); ++i) {
        if (!v.items()[i].is_number())
            fail(key, "item " + std::to_string(i) + " is " +
                          JsonValue::type_name(v.items()[i].type()) + ", expected a number");
        out.push_back(v.items()[i].as_number());
    }
    return out;
}

std::vector<std::string> MetaReader::strings(const std::string& key) const {
    const JsonValue& v = value(key);
    if (!v.is_array())
        fail(key, std::string("is ") + JsonValue::type_name(v.type()) +
                      ", expected an array of strings");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < v.items().size(); ++i) {
        if (!v.items()[i].is_string())
            fail(key, "item " + std::to_string(i) + " is " +
                          JsonValue::type_name(v.items()[i].type()) + ", expected a string");
        out.push_back(v.items()[i].as_string());
    }
    return out;
}

MetaReader MetaReader::object(const std::string& key) const {
    const JsonValue& v = value(key);
    if (!v.is_object())
        fail(key, std::string("is ") + JsonValue::type_name(v.type()) + ", expected an object");
    return MetaReader(v, source_, path_.empty() ? key : path_ + "." + key);
}

}  // namespace pinna::detail
