// File-system helpers of the command-line tool: output folders and file names made from
// subject ids.
#pragma once

#include <cstddef>
#include <string>

namespace pinna::cli {

/// A file name for a subject id: path separators and control or shell-hostile characters
/// become '_'; an id that is empty or only dots becomes "row<line>". At most 200 bytes.
std::string file_stem(const std::string& subject, std::size_t line);

/// Creates `dir` and its parents; IoError naming it when that fails or it is a file.
void make_directory(const std::string& dir);

/// True when `path` is an existing folder.
bool is_directory(const std::string& path);

}  // namespace pinna::cli
