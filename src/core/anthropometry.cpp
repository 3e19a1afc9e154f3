#include "pinna/anthropometry.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>

#include "pinna/error.hpp"

namespace pinna {
namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos)
        return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

std::string lower(std::string s) {
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool is_subject_column(const std::string& name) {
    const std::string l = lower(name);
    return l == "subjectid" || l == "subject" || l == "id" || l == "subject_id";
}

// A number, or NaN for the spellings of "missing". False when the text is not a number.
bool parse_number(const std::string& cell, double& out) {
    const std::string t = trim(cell);
    const std::string l = lower(t);
    if (t.empty() || l == "nan" || l == "na" || l == "n/a" || l == "null") {
        out = kMissing;
        return true;
    }
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(t.c_str(), &end);
    if (end == t.c_str() || *end != '\0' || errno == ERANGE)
        return false;
    out = v;
    return true;
}

void check_size(const std::string& text, const std::string& source,
                const AnthropometryLimits& limits) {
    if (text.size() > limits.max_bytes)
        throw MalformedFileError(source + ": " + std::to_string(text.size()) +
                                 " bytes is more than the cap of " +
                                 std::to_string(limits.max_bytes) + " for an anthropometry file");
}

// Splits one CSV line into cells; double quotes group commas, "" is a quote.
std::vector<std::string> split_csv(const std::string& line, const std::string& source,
                                   std::size_t line_no, std::size_t max_cells) {
    std::vector<std::string> cells(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                cells.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cells.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            if (cells.size() >= max_cells)
                throw MalformedFileError(source + ":" + std::to_string(line_no) + ": more than " +
                                         std::to_string(max_cells) + " columns");
            cells.emplace_back();
        } else {
            cells.back() += c;
        }
    }
    if (quoted)
        throw MalformedFileError(source + ":" + std::to_string(line_no) + ": unterminated quote");
    return cells;
}

}  // namespace

AnthropometryTable parse_anthropometry_csv(const std::string& text, const std::string& source,
                                           const AnthropometryLimits& limits) {
    check_size(text, source, limits);
    AnthropometryTable table;
    table.source = source;
    std::size_t pos = 0, line_no = 0;
    bool header_done = false, has_subject = false;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos)
            end = text.size();
        const std::string line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (trim(line).empty() || trim(line)[0] == '#')
            continue;
        std::vector<std::string> cells = split_csv(line, source, line_no, limits.max_features + 1);
        if (!header_done) {
            has_subject = is_subject_column(trim(cells[0]));
            for (std::size_t c = has_subject ? 1 : 0; c < cells.size(); ++c) {
                std::string name = trim(cells[c]);
                if (name.empty())
                    throw MalformedFileError(source + ":" + std::to_string(line_no) + ": column " +
                                             std::to_string(c + 1) + " of the header has no name");
                for (const auto& f : table.features)
                    if (f == name)
                        throw MalformedFileError(source + ":" + std::to_string(line_no) +
                                                 ": column '" + name +
                                                 "' appears twice in the header");
                table.features.push_back(std::move(name));
            }
            if (table.features.empty())
                throw MalformedFileError(source + ": the header names no measurement columns");
            header_done = true;
            continue;
        }
        const std::size_t expected = table.features.size() + (has_subject ? 1 : 0);
        if (cells.size() != expected)
            throw MalformedFileError(source + ":" + std::to_string(line_no) + ": " +
                                     std::to_string(cells.size()) + " cells, the header has " +
                                     std::to_string(expected) + " columns");
        if (table.rows.size() >= limits.max_rows)
            throw MalformedFileError(source + ": more than " + std::to_string(limits.max_rows) +
                                     " rows");
        AnthropometryRow row;
        row.line = line_no;
        row.subject = has_subject ? trim(cells[0]) : std::to_string(table.rows.size() + 1);
        if (row.subject.empty())
            row.subject = "line " + std::to_string(line_no);
        row.values.resize(table.features.size());
        for (std::size_t f = 0; f < table.features.size(); ++f) {
            const std::string& cell = cells[f + (has_subject ? 1 : 0)];
            if (!parse_number(cell, row.values[f]))
                throw MalformedFileError(source + ":" + std::to_string(line_no) + ": column '" +
                                         table.features[f] + "' holds '" +
                                         trim(cell).substr(0, 40) + "', not a number");
        }
        table.rows.push_back(std::move(row));
    }
    if (!header_done)
        throw MalformedFileError(source + ": empty anthropometry file (no header)");
    if (table.rows.empty())
        throw MalformedFileError(source + ": no subject rows after the header");
    return table;
}

namespace {

// A small JSON reader for anthropometry: values are numbers, strings, null, objects and
// arrays, nested at most max_depth deep.
struct JsonValue {
    enum Kind { null, number, string, boolean, array, object } kind = null;
    double number_value = 0.0;
    std::string string_value;
    std::vector<JsonValue> items;                            // array
    std::vector<std::pair<std::string, JsonValue>> members;  // object
};

class JsonReader {
  public:
    JsonReader(const std::string& text, const std::string& source, std::size_t max_depth)
        : s_(text), source_(source), max_depth_(max_depth) {}

    JsonValue document() {
        JsonValue v = value(0);
        skip_space();
        if (pos_ != s_.size())
            fail("unexpected text after the JSON value");
        return v;
    }

  private:
    [[noreturn]] void fail(const std::string& what) const {
        std::size_t line = 1;
        for (std::size_t i = 0; i < pos_ && i < s_.size(); ++i)
            line += s_[i] == '\n';
        throw MalformedFileError(source_ + ":" + std::to_string(line) + ": " + what);
    }
    void skip_space() {
        while (pos_ < s_.size() && std::strchr(" \t\r\n", s_[pos_]) != nullptr && s_[pos_] != '\0')
            ++pos_;
    }
    bool consume(char c) {
        skip_space();
        if (pos_ < s_.size() && s_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    void expect(char c) {
        if (!consume(c))
            fail(std::string("expected '") + c + "'");
    }
    bool literal(const char* word) {
        const std::size_t n = std::strlen(word);
        if (s_.compare(pos_, n, word) == 0) {
            pos_ += n;
            return true;
        }
        return false;
    }

    std::string string() {
        expect('"');
        std::string out;
        while (true) {
            if (pos_ >= s_.size())
                fail("unterminated string");
            const char c = s_[pos_++];
            if (c == '"')
                return out;
            if (static_cast<unsigned char>(c) < 0x20)
                fail("control character in a string");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (pos_ >= s_.size())
                fail("unterminated escape");
            const char e = s_[pos_++];
            switch (e) {
                case '"':
                case '\\':
                case '/':
                    out += e;
                    break;
                case 'n':
                    out += '\n';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'r':
                case 'b':
                case 'f':
                    out += ' ';
                    break;
                case 'u': {
                    if (pos_ + 4 > s_.size())
                        fail("short \\u escape");
                    unsigned code = 0;
                    for (int i = 0; i < 4; ++i) {
                        const char h = s_[pos_++];
                        code <<= 4;
                        if (h >= '0' && h <= '9')
                            code |= static_cast<unsigned>(h - '0');
                        else if (h >= 'a' && h <= 'f')
                            code |= static_cast<unsigned>(h - 'a' + 10);
                        else if (h >= 'A' && h <= 'F')
                            code |= static_cast<unsigned>(h - 'A' + 10);
                        else
                            fail("bad \\u escape");
                    }
                    // Basic multilingual plane as UTF-8; surrogates become '?'.
                    if (code < 0x80) {
                        out += static_cast<char>(code);
                    } else if (code < 0x800) {
                        out += static_cast<char>(0xC0 | (code >> 6));
                        out += static_cast<char>(0x80 | (code & 0x3F));
                    } else if (code >= 0xD800 && code <= 0xDFFF) {
                        out += '?';
                    } else {
                        out += static_cast<char>(0xE0 | (code >> 12));
                        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
                        out += static_cast<char>(0x80 | (code & 0x3F));
                    }
                    break;
                }
                default:
                    fail("bad escape in a string");
            }
        }
    }

    JsonValue value(std::size_t depth) {
        if (depth > max_depth_)
            fail("nesting deeper than " + std::to_string(max_depth_));
        skip_space();
        if (pos_ >= s_.size())
            fail("unexpected end of JSON");
        JsonValue v;
        const char c = s_[pos_];
        if (c == '{') {
            ++pos_;
            v.kind = JsonValue::object;
            if (consume('}'))
                return v;
            do {
                skip_space();
                std::string key = string();
                expect(':');
                v.members.emplace_back(std::move(key), value(depth + 1));
                if (v.members.size() > 100000)
                    fail("object with too many members");
            } while (consume(','));
            expect('}');
        } else if (c == '[') {
            ++pos_;
            v.kind = JsonValue::array;
            if (consume(']'))
                return v;
            do {
                v.items.push_back(value(depth + 1));
                if (v.items.size() > 1000000)
                    fail("array with too many items");
            } while (consume(','));
            expect(']');
        } else if (c == '"') {
            v.kind = JsonValue::string;
            v.string_value = string();
        } else if (literal("null")) {
            v.kind = JsonValue::null;
        } else if (literal("true") || literal("false")) {
            v.kind = JsonValue::boolean;
        } else if (literal("NaN")) {
            v.kind = JsonValue::null;  // not JSON, but Python's json module writes it
        } else {
            const char* begin = s_.c_str() + pos_;
            char* end = nullptr;
            errno = 0;
            v.number_value = std::strtod(begin, &end);
            if (end == begin)
                fail("expected a value");
            if (errno == ERANGE || !std::isfinite(v.number_value))
                fail("number out of range");
            pos_ += static_cast<std::size_t>(end - begin);
            v.kind = JsonValue::number;
        }
        return v;
    }

    const std::string& s_;
    const std::string& source_;
    std::size_t max_depth_;
    std::size_t pos_ = 0;
};

}  // namespace

AnthropometryTable parse_anthropometry_json(const std::string& text, const std::string& source,
                                            const AnthropometryLimits& limits) {
    check_size(text, source, limits);
    const JsonValue doc = JsonReader(text, source, limits.max_depth).document();
    const JsonValue* list = &doc;
    if (doc.kind == JsonValue::object) {
        for (const auto& [key, value] : doc.members)
            if (key == "subjects" && value.kind == JsonValue::array)
                list = &value;
    }
    std::vector<const JsonValue*> subjects;
    if (list->kind == JsonValue::array) {
        for (const JsonValue& item : list->items)
            subjects.push_back(&item);
    } else {
        subjects.push_back(list);
    }
    if (subjects.empty())
        throw MalformedFileError(source + ": no subjects");
    if (subjects.size() > limits.max_rows)
        throw MalformedFileError(source + ": more than " + std::to_string(limits.max_rows) +
                                 " subjects");
    AnthropometryTable table;
    table.source = source;
    // Features: the union of member names in first-seen order.
    for (const JsonValue* s : subjects) {
        if (s->kind != JsonValue::object)
            throw MalformedFileError(source +
                                     ": each subject must be a JSON object of measurements");
        for (const auto& [key, value] : s->members) {
            if (is_subject_column(key))
                continue;
            bool known = false;
            for (const auto& f : table.features)
                known = known || f == key;
            if (!known) {
                if (table.features.size() >= limits.max_features)
                    throw MalformedFileError(source + ": more than " +
                                             std::to_string(limits.max_features) +
                                             " measurement names");
                table.features.push_back(key);
            }
        }
    }
    if (table.features.empty())
        throw MalformedFileError(source + ": no measurements");
    for (std::size_t i = 0; i < subjects.size(); ++i) {
        AnthropometryRow row;
        row.line = i + 1;
        row.subject = std::to_string(i + 1);
        row.values.assign(table.features.size(), kMissing);
        for (const auto& [key, value] : subjects[i]->members) {
            if (is_subject_column(key)) {
                if (value.kind == JsonValue::string)
                    row.subject = value.string_value;
                else if (value.kind == JsonValue::number) {
                    char buf[32];
                    std::snprintf(buf, sizeof buf, "%.15g", value.number_value);
                    row.subject = buf;
                }
                continue;
            }
            std::size_t f = 0;
            while (table.features[f] != key)
                ++f;
            if (value.kind == JsonValue::number)
                row.values[f] = value.number_value;
            else if (value.kind != JsonValue::null)
                throw MalformedFileError(source + ": subject " + row.subject + ": '" + key +
                                         "' must be a number or null");
        }
        table.rows.push_back(std::move(row));
    }
    return table;
}

AnthropometryTable parse_anthropometry(const std::string& text, const std::string& source,
                                       const AnthropometryLimits& limits) {
    const auto first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    if (first != std::string::npos && (text[first] == '{' || text[first] == '['))
        return parse_anthropometry_json(text, source, limits);
    return parse_anthropometry_csv(text, source, limits);
}

AnthropometryTable read_anthropometry(const std::string& path, const AnthropometryLimits& limits) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!f)
        throw IoError(path + ": cannot open: " + std::strerror(errno));
    std::string text;
    char buffer[1 << 14];
    std::size_t got;
    while ((got = std::fread(buffer, 1, sizeof buffer, f.get())) > 0) {
        text.append(buffer, got);
        if (text.size() > limits.max_bytes)
            throw MalformedFileError(path + ": larger than the cap of " +
                                     std::to_string(limits.max_bytes) +
                                     " bytes for an anthropometry file");
    }
    if (std::ferror(f.get()))
        throw IoError(path + ": read failed: " + std::strerror(errno));
    return parse_anthropometry(text, path, limits);
}

std::vector<double> select_features(const AnthropometryTable& table, std::size_t row,
                                    const std::vector<std::string>& features) {
    if (row >= table.rows.size())
        throw InvalidArgumentError(table.source + ": no row " + std::to_string(row + 1));
    const AnthropometryRow& r = table.rows[row];
    std::vector<double> out;
    out.reserve(features.size());
    for (const std::string& name : features) {
        std::size_t f = 0;
        while (f < table.features.size() && table.features[f] != name)
            ++f;
        if (f == table.features.size())
            throw InvalidDataError(table.source + ": the model needs '" + name +
                                   "', which the file does not have");
        const double v = r.values[f];
        if (std::isnan(v))
            throw InvalidDataError(table.source + ": subject " + r.subject + " (line " +
                                   std::to_string(r.line) + "): '" + name + "' is missing (NaN)");
        if (!std::isfinite(v))
            throw InvalidDataError(table.source + ": subject " + r.subject + " (line " +
                                   std::to_string(r.line) + "): '" + name + "' is not finite");
        out.push_back(v);
    }
    return out;
}

}  // namespace pinna
