// A small command-line parser for pinna's subcommands: positionals, --flag, --opt VALUE
// and --opt=VALUE. Unknown options and missing values are usage errors (exit code 2).
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace pinna::cli {

/// Bad usage: reported with exit code 2.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Args {
  public:
    /// `flags`: options without a value; `options`: options that take one value.
    Args(const std::vector<std::string>& argv, const std::vector<std::string>& flags,
         const std::vector<std::string>& options);

    bool flag(const std::string& name) const { return flags_.count(name) != 0; }
    bool has(const std::string& name) const { return options_.count(name) != 0; }
    std::string get(const std::string& name, const std::string& fallback = "") const;
    double get_double(const std::string& name, double fallback) const;
    long get_long(const std::string& name, long fallback) const;
    const std::vector<std::string>& positionals() const { return positionals_; }
    /// Exactly n positionals, or a UsageError naming what is expected.
    void expect_positionals(std::size_t n, const std::string& what) const;

  private:
    std::map<std::string, bool> flags_;
    std::map<std::string, std::string> options_;
    std::vector<std::string> positionals_;
};

}  // namespace pinna::cli
