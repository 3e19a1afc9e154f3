// Process isolation for parsing hostile files and for writing. libmysofa (like most HDF5
// readers) has had many crash bugs on corrupt files, and netCDF-C crashes when a write
// fails; pinna runs those steps in a separate process with a time limit and an
// address-space cap, and receives the result through a socket (messages: wire.hpp). A
// crash, hang or runaway allocation there becomes a pinna::Error in the caller; the
// caller's process is never at risk.
//
// The separate process is the pinna-sofa-worker executable, started with posix_spawn:
// exec'ing a fresh program is safe however many threads the caller runs (a plain fork()
// of a multithreaded process may copy a lock some other thread holds, e.g. in a
// sanitizer's allocator, and the child then hangs). Where the worker is not installed,
// pinna falls back to a forked child running the same task.
#pragma once

#include <string>

#include "sofa/wire.hpp"

namespace pinna::detail {

/// Who is isolated: decides the error kind of a crash or timeout (the file is corrupt, or
/// the disk refused a write).
enum class Role { reader, writer };

/// Runs `request` in an isolated process (worker or forked child) and returns the result
/// message it produced (an encoded error included: the caller decodes it). A crash,
/// timeout or silent exit is a MalformedFileError for a reader, an IoError for a writer,
/// naming request.name.
std::string run_isolated(const Request& request, Role role);

/// The worker executable run_isolated starts, or empty when it forks instead. Looked up
/// once: $PINNA_SOFA_WORKER (a path, or "fork"), then <prefix>/libexec/pinna of the
/// library (or program) pinna runs in (core/install_paths.hpp; the build tree alike).
const std::string& worker_executable();

// The isolated side (worker.cpp).

/// Runs a request's task in this process and returns its result message; every failure
/// becomes an encoded error.
std::string run_request(const Request& request);

/// Whether this process is the pinna-sofa-worker program (set by worker_main): a
/// single-threaded process of its own, where libraries that are not thread-safe may run.
bool in_worker_program();

/// The worker program: reads one request from standard input, runs it under the limits it
/// names, writes the result to standard output and ends the process (_exit(0)). Returns 2
/// only for a request it cannot read.
int worker_main();

/// What the isolated process does with a request: caps its own address space at what it
/// maps now plus the request's memory limit (not under sanitizers, whose shadow memory
/// would not fit), runs it (run_request) and writes the result to `fd`.
void serve(const Request& request, int fd);

// Defined by the modules that own the tasks: each takes the request's payload and returns
// the result message.
std::string run_read_set_task(const Request& request);
std::string run_describe_task(const Request& request);
std::string run_write_task(const Request& request);
std::string run_verify_task(const Request& request);

}  // namespace pinna::detail
