// Private: the Lebedev-Laikov orbit tables behind pinna::lebedev_grid.
#pragma once

#include <cstddef>

namespace pinna::detail {

struct LebedevOrbit {
    int type;  ///< 1..6, see grid_lebedev_table.cpp
    double a;  ///< first free coordinate (types 4, 5, 6)
    double b;  ///< second free coordinate (type 6)
    double v;  ///< weight of each point of the orbit; a rule's weights sum to 1
};

struct LebedevRule {
    int points;
    int degree;         ///< integrates every polynomial of this degree exactly
    std::size_t first;  ///< first orbit in kLebedevOrbits
    std::size_t count;  ///< number of orbits
};

extern const LebedevOrbit kLebedevOrbits[];
extern const LebedevRule kLebedevRules[];
extern const std::size_t kLebedevRuleCount;

}  // namespace pinna::detail
