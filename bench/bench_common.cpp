#include "bench_common.hpp"

#include <cstdio>
#include <exception>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace pinna::bench {

double now_s() {
    using clock = std::chrono::steady_clock;
    return std::chrono::duration<double>(clock::now().time_since_epoch()).count();
}

double median(std::vector<double> values) {
    if (values.empty())
        return 0.0;
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

Machine describe_machine() {
    Machine m;
    std::ifstream cpuinfo("/proc/cpuinfo");
    for (std::string line; std::getline(cpuinfo, line);)
        if (line.rfind("model name", 0) == 0) {
            const std::size_t colon = line.find(':');
            m.cpu_model = colon == std::string::npos ? line : line.substr(colon + 2);
            break;
        }
    m.online_cpus = std::thread::hardware_concurrency();
    std::ifstream loadavg("/proc/loadavg");
    loadavg >> m.load_1min;
    const std::time_t t = std::time(nullptr);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", std::gmtime(&t));
    m.date_utc = text;
    return m;
}

std::string format_machine(const Machine& m) {
    std::ostringstream s;
    s << m.cpu_model << ", " << m.online_cpus << " online CPUs, load average " << m.load_1min
      << " at start, " << m.date_utc;
    return s.str();
}

namespace {
// Natural order: runs of digits compare by value.
bool natural_less(const std::string& a, const std::string& b) {
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (std::isdigit(static_cast<unsigned char>(a[i])) &&
            std::isdigit(static_cast<unsigned char>(b[j]))) {
            std::size_t i2 = i, j2 = j;
            while (i2 < a.size() && std::isdigit(static_cast<unsigned char>(a[i2])))
                ++i2;
            while (j2 < b.size() && std::isdigit(static_cast<unsigned char>(b[j2])))
                ++j2;
            const unsigned long long x = std::stoull(a.substr(i, i2 - i));
            const unsigned long long y = std::stoull(b.substr(j, j2 - j));
            if (x != y)
                return x < y;
            i = i2, j = j2;
        } else {
            if (a[i] != b[j])
                return a[i] < b[j];
            ++i, ++j;
        }
    }
    return a.size() - i < b.size() - j;
}
}  // namespace

std::vector<std::string> files_with_suffix(const std::string& folder, const std::string& suffix) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_regular_file() && name.size() >= suffix.size() &&
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
            out.push_back(entry.path().string());
    }
    std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
        return natural_less(base_name(a), base_name(b));
    });
    return out;
}

std::string base_name(const std::string& path) {
    return std::filesystem::path(path).filename().string();
}

std::string json_string(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
            out += escaped;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

Options::Options(int argc, char** argv, const std::vector<std::string>& valued,
                 const std::vector<std::string>& flags) {
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a.rfind("--", 0) != 0) {
            positionals_.push_back(a);
        } else if (std::find(flags.begin(), flags.end(), a) != flags.end()) {
            values_[a] = "1";
        } else if (std::find(valued.begin(), valued.end(), a) != valued.end()) {
            if (i + 1 >= argc)
                throw std::invalid_argument("option " + a + " needs a value");
            values_[a] = argv[++i];
        } else {
            throw std::invalid_argument("unknown option " + a);
        }
    }
}

bool Options::flag(const std::string& name) const {
    return values_.count(name) != 0;
}

std::string Options::get(const std::string& name, const std::string& fallback) const {
    const auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second;
}

long Options::get_long(const std::string& name, long fallback) const {
    const auto it = values_.find(name);
    if (it == values_.end())
        return fallback;
    std::size_t used = 0;
    long value = 0;
    try {
        value = std::stol(it->second, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != it->second.size())
        throw std::invalid_argument("option " + name + " expects an integer, got '" + it->second +
                                    "'");
    return value;
}

int run_tool(const char* tool, int (*main_impl)(int, char**), int argc, char** argv) {
    try {
        return main_impl(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", tool, e.what());
        return 1;
    }
}

}  // namespace pinna::bench
