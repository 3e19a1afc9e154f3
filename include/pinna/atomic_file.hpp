// Every file pinna writes goes through write_atomically: the content is produced into a
// temporary file in the target's own directory, flushed, and renamed over the target only
// when complete. A failure (an exception, a full disk, an unwritable folder) leaves no
// partial file and the old target, if any, untouched.
#pragma once

#include <functional>
#include <string>

#include "pinna/visibility.hpp"

PINNA_API_BEGIN
namespace pinna {

/// Calls `produce(temporary_path)`; `produce` writes the whole file at that path. On
/// success the temporary is fsync'ed and renamed to `target_path`; on any failure it is
/// removed and the error rethrown (IoError for file-system failures).
void write_atomically(const std::string& target_path,
                      const std::function<void(const std::string& temporary_path)>& produce);

/// Removes the temporary files of the writes in progress at this moment; their targets are
/// untouched. Async-signal-safe: call it from the SIGINT/SIGTERM/SIGHUP handler your
/// program installs (the pinna CLI does) before letting the signal end the process. pinna
/// never installs signal handlers itself. A hard kill (SIGKILL, power loss) can leave a
/// hidden ".NAME.*.tmp" file, never a partial NAME.
void remove_pending_temporaries() noexcept;

/// Writes `bytes` to `target_path` atomically.
void write_file_atomically(const std::string& target_path, const std::string& bytes);

}  // namespace pinna
PINNA_API_END
