// The energy-variance stopping rule: schedule, interpolated first crossing, and the never-crossed case.
#include <catch2/catch.hpp>

#include <cmath>

#include "../method/stopping.h"

TEST_CASE("doubling schedule ends at the last iteration", "[stopping]") {
    std::vector<long> schedule = doubling_schedule(1000, 32000);
    CHECK(schedule == std::vector<long>{1000, 2000, 4000, 8000, 16000, 32000});
    CHECK(doubling_schedule(1000, 50000).back() == 50000);
    CHECK(doubling_schedule(1000, 1000) == std::vector<long>{1000});
    CHECK_THROWS(doubling_schedule(0, 10));
}

TEST_CASE("energy-variance stop: first crossing, interpolated in log-iteration", "[stopping]") {
    std::vector<long> iterations = {1000, 2000, 4000, 8000, 16000};
    // Crossing of 30 between 4000 (var 34) and 8000 (var 29): 80% of the way in log → nearest is 8000.
    StopDecision stop = energy_variance_stop(iterations, {40, 45, 34, 29, 25}, 30.0);
    CHECK(stop.crossed);
    CHECK(stop.index == 3);
    CHECK(stop.crossing_log10_iteration == Approx(std::log10(4000.0) + 0.8 * std::log10(2.0)));
    // 20% of the way → the earlier checkpoint.
    CHECK(energy_variance_stop(iterations, {40, 45, 31, 26, 25}, 30.0).index == 2);
    // Only the FIRST crossing counts, even if the variance goes up again later.
    CHECK(energy_variance_stop(iterations, {40, 29, 35, 28, 25}, 30.0).index == 1);
    CHECK(energy_variance_stop(iterations, {30, 29, 35, 28, 25}, 30.0).index == 0);  // on the line at once
}

TEST_CASE("energy-variance stop: a sequence that starts below the line stops where it rises to it", "[stopping]") {
    std::vector<long> iterations = {1000, 2000, 4000, 8000};
    // Retina-like: 20 → 26 → 31 crosses 30 at 80% of the way from 2000 to 4000 in log → 4000.
    StopDecision stop = energy_variance_stop(iterations, {20, 26, 31, 40}, 30.0);
    CHECK(stop.crossed);
    CHECK(stop.index == 2);
    CHECK_FALSE(energy_variance_stop(iterations, {20, 22, 25, 28}, 30.0).crossed);
    CHECK(energy_variance_stop(iterations, {20, 22, 25, 28}, 30.0).index == 3);
}

TEST_CASE("energy-variance stop: never crossed picks the last checkpoint and says so", "[stopping]") {
    StopDecision stop = energy_variance_stop({1000, 2000, 4000}, {31, 38, 33}, 30.0);
    CHECK_FALSE(stop.crossed);
    CHECK(stop.index == 2);
}
