#include "cli/grid_arg.hpp"

#include "pinna/grid.hpp"
#include "pinna/sofa.hpp"

namespace pinna::cli {

std::vector<Direction> read_grid_argument(const std::string& value) {
    const bool generated = value.rfind("fibonacci:", 0) == 0 || value.rfind("lebedev:", 0) == 0;
    if (generated)
        return grid_from_spec(value);
    SofaReadOptions options;
    options.apply_delays = false;  // only the directions are needed
    return read_sofa(value, options).directions();
}

}  // namespace pinna::cli
