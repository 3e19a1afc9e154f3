// Standard loudspeaker layouts for virtual loudspeaker rendering.
#include <cmath>

#include "pinna/error.hpp"
#include "pinna/render.hpp"

namespace pinna {

LoudspeakerLayout loudspeaker_layout(const std::string& name) {
    // Azimuths counter-clockwise from the front (left positive), WAV / SMPTE channel order.
    LoudspeakerLayout layout;
    layout.name = name;
    if (name == "stereo") {
        layout.directions = {{30.0, 0.0, 1.0}, {-30.0, 0.0, 1.0}};
    } else if (name == "5.1") {
        layout.directions = {{30.0, 0.0, 1.0}, {-30.0, 0.0, 1.0}, {0.0, 0.0, 1.0},
                             {0.0, 0.0, 1.0},  {110.0, 0.0, 1.0}, {-110.0, 0.0, 1.0}};
        layout.lfe_channel = 3;
    } else if (name == "7.1") {
        layout.directions = {{30.0, 0.0, 1.0}, {-30.0, 0.0, 1.0}, {0.0, 0.0, 1.0},
                             {0.0, 0.0, 1.0},  {135.0, 0.0, 1.0}, {-135.0, 0.0, 1.0},
                             {90.0, 0.0, 1.0}, {-90.0, 0.0, 1.0}};
        layout.lfe_channel = 3;
    } else {
        throw InvalidArgumentError("loudspeaker layout '" + name +
                                   "' is unknown: use stereo, 5.1, 7.1 or a list of directions");
    }
    return layout;
}

LoudspeakerLayout loudspeaker_layout(const std::vector<Direction>& directions) {
    check_directions(directions, "loudspeaker layout");
    LoudspeakerLayout layout;
    layout.name = std::to_string(directions.size()) + " loudspeakers";
    layout.directions = directions;
    return layout;
}

}  // namespace pinna
