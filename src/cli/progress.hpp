// Progress of a batch command on a terminal: "[i/n] label" on one line of stderr,
// rewritten in place; messages printed through it clear that line first. Silent when
// stderr is not a terminal (logs and pipes get only the messages).
#pragma once

#include <cstddef>
#include <string>

namespace pinna::cli {

class Progress {
  public:
    explicit Progress(std::size_t total);
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    /// Shows item `index` (0-based) of the total.
    void item(std::size_t index, const std::string& label);
    /// Prints `text` and a newline on stderr.
    void line(const std::string& text);
    /// Clears the progress line (before a summary on stdout); the destructor calls it too.
    void finish();

  private:
    bool active_;
    std::size_t total_;
};

}  // namespace pinna::cli
