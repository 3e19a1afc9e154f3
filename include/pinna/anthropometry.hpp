// Anthropometry tables: head and ear measurements of one or more subjects, from CSV or
// JSON, keyed by feature name (e.g. HUTUBS/CIPIC names x1..x17, L_d1.., R_theta2).
//
// CSV: a header row whose first column is the subject id (SubjectID, subject or id) and
// whose other columns are feature names; one row per subject. Empty cells, NaN and NA
// read as missing. JSON: one object {"SubjectID": ..., "x1": 14.8, ...}, an array of
// such objects, or {"subjects": [...]}; null reads as missing.
// Parsing never trusts sizes: lines, cells, rows and nesting are capped, and every error
// names the file, line (or subject) and column.
//
// A bad row is a bad row: one with too few or too many cells, a value that is not a number
// or not finite, or a subject id seen before is set aside in AnthropometryTable::rejected
// (with its line and why) and the other rows are read. Only an unreadable file, a missing
// or invalid header, or a file over the caps fails as a whole.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "pinna/visibility.hpp"

PINNA_API_BEGIN
namespace pinna {

struct AnthropometryRow {
    std::string subject;         ///< id from the SubjectID column (or the row number)
    std::vector<double> values;  ///< one per AnthropometryTable::features; NaN = missing
    std::size_t line = 0;        ///< 1-based line (CSV) or index + 1 (JSON) for messages
};

/// A row that could not be read, and why.
struct RejectedRow {
    std::size_t line = 0;  ///< 1-based line (CSV) or index + 1 (JSON)
    std::string subject;   ///< its id when it could be read, else empty
    std::string message;   ///< names the file, line, column and what is wrong
};

struct AnthropometryTable {
    std::string source;                 ///< file name used in messages
    std::vector<std::string> features;  ///< column names in file order
    std::vector<AnthropometryRow> rows;
    std::vector<RejectedRow> rejected;  ///< bad rows, in file order
};

/// Caps on what a parser accepts; larger inputs are refused before they are stored.
struct AnthropometryLimits {
    std::size_t max_bytes = 16u << 20;
    std::size_t max_rows = 100000;
    std::size_t max_features = 1000;
    std::size_t max_depth = 8;  ///< JSON nesting
};

AnthropometryTable parse_anthropometry_csv(const std::string& text, const std::string& source,
                                           const AnthropometryLimits& limits = {});
AnthropometryTable parse_anthropometry_json(const std::string& text, const std::string& source,
                                            const AnthropometryLimits& limits = {});
/// CSV or JSON by the first non-blank character ('{' or '[' is JSON). Throws IoError,
/// MalformedFileError.
AnthropometryTable parse_anthropometry(const std::string& text, const std::string& source,
                                       const AnthropometryLimits& limits = {});
AnthropometryTable read_anthropometry(const std::string& path,
                                      const AnthropometryLimits& limits = {});

/// The values of `row` for `features`, in that order. Throws InvalidDataError naming the
/// subject and feature when a feature is absent from the table, missing (NaN) or infinite.
std::vector<double> select_features(const AnthropometryTable& table, std::size_t row,
                                    const std::vector<std::string>& features);

}  // namespace pinna
PINNA_API_END
