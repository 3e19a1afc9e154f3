#include "pinna/anthropometry.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>

#include "core/read_file.hpp"
#include "json/json.hpp"
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

// Row-level trouble: the row is set aside, the file read on.
struct BadRow : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Splits one CSV line into cells; double quotes group commas, "" is a quote. Throws BadRow.
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
                throw BadRow(source + ":" + std::to_string(line_no) + ": more than " +
                             std::to_string(max_cells) + " columns");
            cells.emplace_back();
        } else {
            cells.back() += c;
        }
    }
    if (quoted)
        throw BadRow(source + ":" + std::to_string(line_no) + ": unterminated quote");
    return cells;
}

// Sets a bad row aside, or throws when there are more than the caps allow.
void reject(AnthropometryTable& table, std::size_t line, std::string subject, std::string message,
            const AnthropometryLimits& limits) {
    if (table.rows.size() + table.rejected.size() >= limits.max_rows)
        throw MalformedFileError(table.source + ": more than " + std::to_string(limits.max_rows) +
                                 " rows");
    table.rejected.push_back({line, std::move(subject), std::move(message)});
}

// The line of an earlier row of `subject`, or 0.
std::size_t earlier_line(const AnthropometryTable& table, const std::string& subject) {
    for (const AnthropometryRow& r : table.rows)
        if (r.subject == subject)
            return r.line;
    return 0;
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
        std::vector<std::string> cells;
        try {
            cells = split_csv(line, source, line_no, limits.max_features + 1);
        } catch (const BadRow& e) {
            if (!header_done)
                throw MalformedFileError(e.what());
            reject(table, line_no, {}, e.what(), limits);
            continue;
        }
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
        const std::string where = source + ":" + std::to_string(line_no) + ": ";
        const std::size_t expected = table.features.size() + (has_subject ? 1 : 0);
        std::string subject = has_subject ? trim(cells[0]) : std::string();
        if (cells.size() != expected) {
            reject(table, line_no, subject,
                   where + std::to_string(cells.size()) + " cells, the header has " +
                       std::to_string(expected) + " columns",
                   limits);
            continue;
        }
        if (table.rows.size() + table.rejected.size() >= limits.max_rows)
            throw MalformedFileError(source + ": more than " + std::to_string(limits.max_rows) +
                                     " rows");
        AnthropometryRow row;
        row.line = line_no;
        row.subject = has_subject ? subject : std::to_string(table.rows.size() + 1);
        if (row.subject.empty())
            row.subject = "line " + std::to_string(line_no);
        row.values.resize(table.features.size());
        std::string problem;
        for (std::size_t f = 0; f < table.features.size() && problem.empty(); ++f) {
            const std::string& cell = cells[f + (has_subject ? 1 : 0)];
            if (!parse_number(cell, row.values[f]))
                problem = where + "column '" + table.features[f] + "' holds '" +
                          trim(cell).substr(0, 40) + "', not a number";
            else if (std::isinf(row.values[f]))
                problem = where + "column '" + table.features[f] + "' is not finite";
        }
        if (problem.empty())
            if (const std::size_t first = earlier_line(table, row.subject))
                problem = where + "subject '" + row.subject + "' appears again (first on line " +
                          std::to_string(first) + ")";
        if (!problem.empty()) {
            reject(table, line_no, row.subject, problem, limits);
            continue;
        }
        table.rows.push_back(std::move(row));
    }
    if (!header_done)
        throw MalformedFileError(source + ": empty anthropometry file (no header)");
    if (table.rows.empty() && table.rejected.empty())
        throw MalformedFileError(source + ": no subject rows after the header");
    return table;
}

AnthropometryTable parse_anthropometry_json(const std::string& text, const std::string& source,
                                            const AnthropometryLimits& limits) {
    using detail::JsonValue;
    check_size(text, source, limits);
    detail::JsonOptions options;
    options.max_depth = limits.max_depth;
    options.max_items = std::max(limits.max_rows, limits.max_features);
    const JsonValue doc = JsonValue::parse(text, source, options);
    const JsonValue* list = &doc;
    if (doc.is_object()) {
        for (const auto& [key, value] : doc.members())
            if (key == "subjects" && value.is_array())
                list = &value;
    }
    std::vector<const JsonValue*> subjects;
    if (list->is_array()) {
        for (const JsonValue& item : list->items())
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
        if (!s->is_object())
            continue;  // rejected below
        for (const auto& [key, value] : s->members()) {
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
        if (!subjects[i]->is_object()) {
            table.rejected.push_back({row.line,
                                      {},
                                      source + ": subject " + std::to_string(row.line) +
                                          " is not a JSON object of measurements"});
            continue;
        }
        std::string problem;
        for (const auto& [key, value] : subjects[i]->members()) {
            if (is_subject_column(key)) {
                if (value.is_string())
                    row.subject = value.as_string();
                else if (value.is_number()) {
                    char buf[32];
                    std::snprintf(buf, sizeof buf, "%.15g", value.as_number());
                    row.subject = buf;
                }
                continue;
            }
            std::size_t f = 0;
            while (table.features[f] != key)
                ++f;
            if (!problem.empty())
                continue;
            if (value.is_number() && std::isinf(value.as_number()))
                problem = "'" + key + "' is not finite";
            else if (value.is_number())
                row.values[f] = value.as_number();  // NaN (Python's json writes it): missing
            else if (!value.is_null())
                problem = "'" + key + "' must be a number or null";
        }
        if (problem.empty())
            if (const std::size_t first = earlier_line(table, row.subject))
                problem = "subject '" + row.subject + "' appears again (first as subject " +
                          std::to_string(first) + ")";
        if (!problem.empty()) {
            table.rejected.push_back({row.line, row.subject,
                                      source + ": subject " + std::to_string(row.line) + " (" +
                                          row.subject + "): " + problem});
            continue;
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
    return parse_anthropometry(detail::read_file_capped(path, limits.max_bytes), path, limits);
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
