// The --grid argument shared by upsample and predict: a SOFA file whose directions are
// taken, or a generated grid spec (fibonacci:N, lebedev:N).
#pragma once

#include <string>
#include <vector>

#include "pinna/geometry.hpp"

namespace pinna::cli {

std::vector<Direction> read_grid_argument(const std::string& value);

}  // namespace pinna::cli
