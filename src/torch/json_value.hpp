// A small JSON document model for the meta.json files inside model archives.
//
// Accepts standard JSON plus the NaN / Infinity / -Infinity tokens Python's json module
// writes for non-finite floats. Errors are ModelError naming the source and the byte offset.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace pinna::detail {

class JsonValue {
  public:
    enum class Type { null, boolean, number, string, array, object };

    /// Parses a whole document; `source` names it in messages ("models/x.pt: meta.json").
    static JsonValue parse(const std::string& text, const std::string& source);

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
