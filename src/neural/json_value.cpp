#include "neural/json_value.hpp"

#include <cmath>
#include <utility>

#include "pinna/error.hpp"

namespace pinna::detail {

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
