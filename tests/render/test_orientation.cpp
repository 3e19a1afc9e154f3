// Head orientation conventions (SOFA axes: x front, y left, z up) and loudspeaker layouts.
#include <catch2/catch.hpp>

#include <cmath>

#include "pinna/error.hpp"
#include "pinna/render.hpp"

using namespace pinna;

namespace {

void require_near(const Vec3& a, const Vec3& b) {
    REQUIRE(a.x == Approx(b.x).margin(1e-12));
    REQUIRE(a.y == Approx(b.y).margin(1e-12));
    REQUIRE(a.z == Approx(b.z).margin(1e-12));
}

Direction head_direction(const HeadOrientation& o, const Direction& world) {
    return to_direction(world_to_head(to_quaternion(o), unit_vector(world)));
}

}  // namespace

TEST_CASE("yaw, pitch and roll turn the head the documented ways", "[render][orientation]") {
    // Head turned 90 degrees to the left: what is in front in the world is on its right.
    require_near(world_to_head(to_quaternion({90.0, 0.0, 0.0}), {1.0, 0.0, 0.0}), {0.0, -1.0, 0.0});
    // Nose raised 30 degrees: the world's front is 30 degrees below the nose.
    const Direction below = head_direction({0.0, 30.0, 0.0}, {0.0, 0.0, 1.0});
    CHECK(below.azimuth_deg == Approx(0.0).margin(1e-9));
    CHECK(below.elevation_deg == Approx(-30.0));
    // Right ear lowered 30 degrees: the world's left is 30 degrees below the head's left.
    const Direction left = head_direction({0.0, 0.0, 30.0}, {90.0, 0.0, 1.0});
    CHECK(left.azimuth_deg == Approx(90.0));
    CHECK(left.elevation_deg == Approx(-30.0));
    // The order is yaw, then pitch about the turned head's axis: turned 90 left and nose
    // up 30, the world's left is 30 below the nose.
    const Direction both = head_direction({90.0, 30.0, 0.0}, {90.0, 0.0, 1.0});
    CHECK(both.azimuth_deg == Approx(0.0).margin(1e-9));
    CHECK(both.elevation_deg == Approx(-30.0));
}

TEST_CASE("quaternions: yaw alone, normalisation, identity fallback, slerp",
          "[render][orientation]") {
    const Quaternion q = to_quaternion({40.0, 0.0, 0.0});
    CHECK(q.w == Approx(std::cos(deg_to_rad(20.0))));
    CHECK(q.z == Approx(std::sin(deg_to_rad(20.0))));
    // Any length is normalised; zero and NaN are the identity.
    const Quaternion scaled{3.0 * q.w, 3.0 * q.x, 3.0 * q.y, 3.0 * q.z};
    require_near(world_to_head(scaled, {0.3, 0.5, 0.2}), world_to_head(q, {0.3, 0.5, 0.2}));
    require_near(world_to_head(Quaternion{0.0, 0.0, 0.0, 0.0}, {0.3, 0.5, 0.2}), {0.3, 0.5, 0.2});
    require_near(world_to_head(Quaternion{NAN, 0.0, 0.0, 0.0}, {0.3, 0.5, 0.2}), {0.3, 0.5, 0.2});
    // Half way from yaw 0 to yaw 90 is yaw 45; from yaw 170 to yaw -170 the short way
    // passes 180.
    const Quaternion half =
        slerp(to_quaternion({0.0, 0.0, 0.0}), to_quaternion({90.0, 0.0, 0.0}), 0.5);
    require_near(world_to_head(half, {1.0, 0.0, 0.0}),
                 world_to_head(to_quaternion({45.0, 0.0, 0.0}), {1.0, 0.0, 0.0}));
    const Quaternion wrap =
        slerp(to_quaternion({170.0, 0.0, 0.0}), to_quaternion({-170.0, 0.0, 0.0}), 0.5);
    require_near(world_to_head(wrap, {1.0, 0.0, 0.0}),
                 world_to_head(to_quaternion({180.0, 0.0, 0.0}), {1.0, 0.0, 0.0}));
}

TEST_CASE("standard loudspeaker layouts", "[render][layout]") {
    const LoudspeakerLayout stereo = loudspeaker_layout("stereo");
    REQUIRE(stereo.directions.size() == 2);
    CHECK(stereo.directions[0].azimuth_deg == 30.0);
    CHECK(stereo.directions[1].azimuth_deg == -30.0);
    CHECK(stereo.lfe_channel == -1);
    const LoudspeakerLayout five = loudspeaker_layout("5.1");
    REQUIRE(five.directions.size() == 6);
    CHECK(five.lfe_channel == 3);
    CHECK(five.directions[4].azimuth_deg == 110.0);
    CHECK(five.directions[5].azimuth_deg == -110.0);
    const LoudspeakerLayout seven = loudspeaker_layout("7.1");
    REQUIRE(seven.directions.size() == 8);
    CHECK(seven.lfe_channel == 3);
    CHECK(seven.directions[4].azimuth_deg == 135.0);
    CHECK(seven.directions[6].azimuth_deg == 90.0);
    const LoudspeakerLayout custom = loudspeaker_layout({{0.0, 45.0, 1.0}, {180.0, 0.0, 1.0}});
    CHECK(custom.directions.size() == 2);
    CHECK(custom.lfe_channel == -1);
    CHECK_THROWS_AS(loudspeaker_layout(std::vector<Direction>{}), InvalidArgumentError);
    CHECK_THROWS_AS(loudspeaker_layout(std::vector<Direction>{{NAN, 0.0, 1.0}}),
                    InvalidArgumentError);
}
