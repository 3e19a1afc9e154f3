#include "cli/args.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace pinna::cli {

Args::Args(const std::vector<std::string>& argv, const std::vector<std::string>& flags,
           const std::vector<std::string>& options) {
    auto known = [](const std::vector<std::string>& list, const std::string& n) {
        return std::find(list.begin(), list.end(), n) != list.end();
    };
    bool only_positionals = false;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (only_positionals || a.size() < 2 || a[0] != '-' || a == "-") {
            positionals_.push_back(a);
            continue;
        }
        if (a == "--") {
            only_positionals = true;
            continue;
        }
        std::string name = a, value;
        bool inline_value = false;
        const auto eq = a.find('=');
        if (a.rfind("--", 0) == 0 && eq != std::string::npos) {
            name = a.substr(0, eq);
            value = a.substr(eq + 1);
            inline_value = true;
        }
        if (known(flags, name)) {
            if (inline_value)
                throw UsageError("option " + name + " takes no value");
            flags_[name] = true;
        } else if (known(options, name)) {
            if (!inline_value) {
                if (i + 1 >= argv.size())
                    throw UsageError("option " + name + " needs a value");
                value = argv[++i];
            }
            options_[name] = value;
        } else {
            throw UsageError("unknown option " + name);
        }
    }
}

std::string Args::get(const std::string& name, const std::string& fallback) const {
    const auto it = options_.find(name);
    return it == options_.end() ? fallback : it->second;
}

double Args::get_double(const std::string& name, double fallback) const {
    if (!has(name))
        return fallback;
    const std::string s = get(name);
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0' || errno != 0 || !std::isfinite(v))
        throw UsageError("option " + name + " needs a number, got '" + s + "'");
    return v;
}

long Args::get_long(const std::string& name, long fallback) const {
    if (!has(name))
        return fallback;
    const std::string s = get(name);
    char* end = nullptr;
    errno = 0;
    const long v = std::strtol(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || errno != 0)
        throw UsageError("option " + name + " needs a whole number, got '" + s + "'");
    return v;
}

void Args::expect_positionals(std::size_t n, const std::string& what) const {
    if (positionals_.size() < n)
        throw UsageError("missing " + what);
    if (positionals_.size() > n)
        throw UsageError("unexpected argument '" + positionals_[n] + "' (expected " + what + ")");
}

}  // namespace pinna::cli
