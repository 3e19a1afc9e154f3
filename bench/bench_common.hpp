// Small helpers shared by the benchmark tools: clocks, statistics, machine description,
// dataset listing, command-line options and JSON text.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace pinna::bench {

/// Seconds on a monotonic clock.
double now_s();

/// Median of the values (the mean of the two middle ones for an even count); 0 when empty.
double median(std::vector<double> values);

/// What the figures were measured on, for the docs.
struct Machine {
    std::string cpu_model;  ///< first "model name" of /proc/cpuinfo
    unsigned online_cpus = 0;
    double load_1min = 0.0;  ///< /proc/loadavg when the tool started
    std::string date_utc;    ///< YYYY-MM-DD HH:MM UTC
};
Machine describe_machine();
std::string format_machine(const Machine& machine);

/// Files of `folder` whose names end with `suffix`, in natural order (pp2 before pp10).
std::vector<std::string> files_with_suffix(const std::string& folder, const std::string& suffix);

/// The file name without its folder.
std::string base_name(const std::string& path);

/// Runs a tool's main, printing "<tool>: <what>" on stderr and returning 1 when it throws.
int run_tool(const char* tool, int (*main_impl)(int, char**), int argc, char** argv);

/// JSON string literal (quoted, escaped).
std::string json_string(const std::string& text);

/// "--name value" options and bare flags after the positional arguments. Throws
/// std::invalid_argument naming an unknown option or a missing value.
class Options {
  public:
    Options(int argc, char** argv, const std::vector<std::string>& valued,
            const std::vector<std::string>& flags);
    const std::vector<std::string>& positionals() const { return positionals_; }
    bool flag(const std::string& name) const;
    std::string get(const std::string& name, const std::string& fallback) const;
    long get_long(const std::string& name, long fallback) const;

  private:
    std::vector<std::string> positionals_;
    std::map<std::string, std::string> values_;
};

}  // namespace pinna::bench
