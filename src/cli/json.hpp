// Minimal streaming JSON writer for the CLI's --json output.
#pragma once

#include <string>
#include <vector>

namespace pinna::cli {

class Json {
  public:
    Json& begin_object(const std::string& key = "");
    Json& end_object();
    Json& begin_array(const std::string& key = "");
    Json& end_array();
    Json& value(const std::string& key, const std::string& v);
    Json& value(const std::string& key, const char* v) { return value(key, std::string(v)); }
    Json& value(const std::string& key, double v);
    Json& value(const std::string& key, long long v);
    Json& value(const std::string& key, std::size_t v) {
        return value(key, static_cast<long long>(v));
    }
    Json& value(const std::string& key, int v) { return value(key, static_cast<long long>(v)); }
    Json& value(const std::string& key, bool v);
    Json& null(const std::string& key);
    std::string str() const { return out_ + "\n"; }

    static std::string quote(const std::string& s);

  private:
    void key(const std::string& k);
    std::string out_;
    std::vector<bool> first_;  // per open container: nothing written yet
};

}  // namespace pinna::cli
