// A small JSON document model, shared by the anthropometry tables (core) and the
// meta.json files inside model archives (torch).
//
// Accepts standard JSON plus the NaN / Infinity / -Infinity tokens Python's json module
// writes for non-finite floats (as numbers). Sizes are capped (nesting depth, items per
// array or object) so that hostile input cannot exhaust the stack or memory.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "pinna/error.hpp"

namespace pinna::detail {

struct JsonOptions {
    std::size_t max_depth = 64;
    std::size_t max_items = 1000000;  ///< per array or object
    /// The kind of pinna::Error a syntax error is (malformed_file for data files, model
    /// for meta.json; see throw_error).
    ErrorKind error_kind = ErrorKind::malformed_file;
};

class JsonValue {
  public:
    enum class Type { null, boolean, number, string, array, object };

    /// Parses a whole document; `source` names it in messages ("models/x.pt: meta.json").
    /// Errors name the source, line and byte, as a pinna::Error of options.error_kind.
    static JsonValue parse(const std::string& text, const std::string& source,
                           const JsonOptions& options = {});

    Type type() const noexcept { return type_; }
    bool is_null() const noexcept { return type_ == Type::null; }
    bool is_number() const noexcept { return type_ == Type::number; }
    bool is_string() const noexcept { return type_ == Type::string; }
    bool is_array() const noexcept { return type_ == Type::array; }
    bool is_object() const noexcept { return type_ == Type::object; }

    bool as_bool() const noexcept { return boolean_; }
    double as_number() const noexcept { return number_; }
    const std::string& as_string() const noexcept { return string_; }
    const std::vector<JsonValue>& items() const noexcept { return items_; }
    /// Object members in document order.
    const std::vector<std::pair<std::string, JsonValue>>& members() const noexcept {
        return members_;
    }
    /// Member `key` of an object, or nullptr (also for non-objects).
    const JsonValue* find(const std::string& key) const noexcept;

    static const char* type_name(Type type) noexcept;

  private:
    friend class JsonParser;
    Type type_ = Type::null;
    bool boolean_ = false;
    double number_ = 0.0;
    std::string string_;
    std::vector<JsonValue> items_;
    std::vector<std::pair<std::string, JsonValue>> members_;
};

}  // namespace pinna::detail
