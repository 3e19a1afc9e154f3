// pinna-sofa-worker: the separate process in which the pinna library parses SOFA files
// and writes them (see src/sofa/isolation.hpp). The library starts it with one request on
// standard input and reads the result from standard output.
#include <cstdio>
#include <cstring>

#include "sofa/isolation.hpp"

int main(int argc, char** argv) {
    if (argc > 1 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
        std::printf(
            "pinna-sofa-worker: reads or writes one SOFA file for the pinna library, in a\n"
            "process of its own so that a crash or hang on a corrupt file cannot take the\n"
            "caller down. The library starts it; it is not meant to be run by hand.\n"
            "The library finds it through PINNA_SOFA_WORKER, the build tree, or\n"
            "<prefix>/libexec/pinna; PINNA_SOFA_WORKER=fork isolates with fork() instead.\n");
        return 0;
    }
    return pinna::detail::worker_main();
}
