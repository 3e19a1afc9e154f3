// pinna_must_not_crash FILE: reads and describes a file that once crashed or hung a SOFA
// reader. It passes when pinna refuses it with a MalformedFileError or InvalidDataError
// that names the file (the isolated reader turns a parser crash or hang into one);
// anything else (a crash, a hang until the test's timeout, a foreign exception, another
// kind, a message that does not name the file) fails. tests/CMakeLists.txt makes one test
// of every reproducer file.
#include <cstdio>
#include <exception>
#include <string>

#include "pinna/error.hpp"
#include "pinna/sofa.hpp"

namespace {

// 0 when `step` fails with a malformed-file or invalid-data error naming `path`.
int check(const char* what, const std::string& path, void (*step)(const std::string&)) {
    try {
        step(path);
        std::printf("%s: read without an error\n", what);
        return 1;
    } catch (const pinna::Error& e) {
        std::printf("%s: %s: %s\n", what, pinna::to_string(e.kind()), e.what());
        if (e.kind() != pinna::ErrorKind::malformed_file &&
            e.kind() != pinna::ErrorKind::invalid_data) {
            std::printf("%s: expected a malformed file or invalid data\n", what);
            return 1;
        }
        if (std::string(e.what()).find(path) == std::string::npos) {
            std::printf("%s: the message does not name the file\n", what);
            return 1;
        }
        return 0;
    } catch (const std::exception& e) {
        std::printf("%s: not a pinna::Error: %s\n", what, e.what());
        return 1;
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: pinna_must_not_crash FILE\n");
        return 2;
    }
    const std::string path = argv[1];
    int failures = 0;
    failures += check("read_sofa", path, [](const std::string& p) { pinna::read_sofa(p); });
    failures += check("describe_sofa", path, [](const std::string& p) { pinna::describe_sofa(p); });
    return failures == 0 ? 0 : 1;
}
