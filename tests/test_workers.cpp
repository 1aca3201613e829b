// data/workers.h: every worker runs every phase, a phase sees what the one before wrote, an exception comes back to
// the caller (and the team goes on working), run_workers is one phase.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <vector>

#include "../data/workers.h"

TEST_CASE("WorkerTeam: phases in order on every worker; exceptions rethrown to the caller", "[data]") {
    const int workers = 3;
    WorkerTeam team(workers);
    std::vector<long> value(workers, 0);
    for (int phase = 0; phase < 200; phase++) {
        // Each worker reads its left neighbour's value from the previous phase, so a phase that started before the
        // previous one ended would (eventually) read a stale value.
        std::vector<long> before = value;
        team.run([&](int w) { value[w] = before[(w + workers - 1) % workers] + 1; });
    }
    CHECK(value == std::vector<long>(workers, 200));
    CHECK_THROWS_WITH(team.run([](int w) {
        if (w == 2) throw std::runtime_error("worker 2 failed");
    }), "worker 2 failed");
    std::vector<int> ran(workers, 0);
    team.run([&](int w) { ran[w]++; });  // still usable after an exception
    CHECK(ran == std::vector<int>(workers, 1));

    std::vector<int> once(4, 0);
    run_workers(4, [&](int w) { once[w]++; });
    CHECK(once == std::vector<int>(4, 1));
    CHECK_THROWS(run_workers(0, [](int) {}));
}
