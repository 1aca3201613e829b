// The figures' job/merge path end to end, at a tiny size: two jobs of fig3 run separately (as two cluster tasks
// would), a rerun skips a finished job, and --merge builds the table, the summary and the claims from the parts.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "../data/atomic_file.h"
#include "../cli/commands.h"
#include "../figures/figure.h"
#include "../report/csv.h"
#include "../report/report.h"

static int run_fig3(const std::string& out, std::vector<std::string> extra) {
    std::vector<std::string> words = {"repro", "fig3", "--out", out, "--n", "8", "--M", "200", "--g-list", "0.5,1",
                                      "--M-plus", "500", "--iterations", "1000", "--probe", "100", "--batch", "16", "--ensembles", "1",
                                      "--sampler", "ddim", "--steps", "10", "--eps-count", "5", "--threads", "1",
                                      "--quiet"};
    words.insert(words.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(&word[0]);
    argv.push_back(nullptr);
    return command_fig3((int)words.size(), argv.data());
}

TEST_CASE("fig3: two jobs run apart, then merge", "[figures]") {
    std::string out = "build/test_tmp/fig3_jobs";
    if (path_exists(out)) REQUIRE(std::system(("rm -rf " + out).c_str()) == 0);
    REQUIRE(run_fig3(out, {"--job", "0"}) == 0);
    REQUIRE(path_exists(out + "/parts/job_0.csv"));
    CHECK_FALSE(path_exists(out + "/parts/job_1.csv"));
    std::string first = read_file(out + "/parts/job_0.csv");
    REQUIRE(run_fig3(out, {"--job", "1"}) == 0);
    REQUIRE(run_fig3(out, {"--job", "0"}) == 0);  // already done: skipped, part unchanged
    CHECK(read_file(out + "/parts/job_0.csv") == first);
    REQUIRE(run_fig3(out, {"--merge"}) == 0);
    CsvTable table = csv_read(out + "/fig3.csv");
    REQUIRE(table.rows.size() == 2);
    CHECK(csv_cell(table, 0, "g") == "0.5");
    CHECK(csv_cell(table, 1, "g") == "1");
    CHECK(csv_double(table, 0, "mse_obs_mean") > 0);
    CHECK(read_claims(out + "/claims.csv").size() == 3);
    CHECK(path_exists(out + "/summary.md"));
    // Each part records the threads its job ran with, and the summary reports them.
    CHECK(csv_cell(csv_read(out + "/parts/job_0.csv"), 0, "job_threads") == "1");
    CHECK(read_file(out + "/summary.md").find("| seed, threads | 1, 1 |") != std::string::npos);
    CHECK(read_file(out + "/run_info.csv").find("threads,1\n") != std::string::npos);
    // A different design into the same folder is refused instead of mixing parts.
    CHECK_THROWS(run_fig3(out, {"--job", "0", "--M", "300"}));
}

TEST_CASE("the summary's threads: the jobs' own, counted per job; parts without the column say so", "[figures]") {
    CsvTable merged = csv_table({"job", "value", "job_threads"});
    csv_add_row(&merged, {"0", "1.5", "2"});
    csv_add_row(&merged, {"0", "2.5", "2"});  // two rows of one job count once
    csv_add_row(&merged, {"1", "3.5", "2"});
    CHECK(job_threads_text(merged, 4) == "2");
    csv_add_row(&merged, {"2", "4.5", "1"});
    csv_add_row(&merged, {"3", "5.5", ""});  // a part written before the column existed
    CHECK(job_threads_text(merged, 4) == "1 (1 job), 2 (2 jobs), not recorded (1 job)");
    CsvTable old = csv_table({"job", "value"});
    csv_add_row(&old, {"0", "1.5"});
    CHECK(job_threads_text(old, 2) == "2 (this invocation; the jobs' own were not recorded)");
}

TEST_CASE("fig7: every solver on every data set, the fast recipe's arm beside the paper's at the largest M", "[figures]") {
    std::string out = "build/test_tmp/fig7_tiny";
    if (path_exists(out)) REQUIRE(std::system(("rm -rf " + out).c_str()) == 0);
    std::vector<std::string> words = {"repro", "fig7", "--out", out, "--n", "6", "--M-list", "100,200", "--ensembles",
                                      "1", "--M-plus", "300", "--iterations", "1000", "--probe", "100", "--batch", "16",
                                      "--sampler", "ddim", "--steps", "10", "--eps-count", "5", "--threads", "1",
                                      "--quiet", "--store", "none"};
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(&word[0]);
    argv.push_back(nullptr);
    REQUIRE(command_fig7((int)words.size(), argv.data()) == 0);
    // At quick scale the fast arm runs at the largest M only (job 1), through its whole budget without the rule.
    for (int job = 0; job < 2; job++) {
        CsvTable part = csv_read(out + "/parts/job_" + std::to_string(job) + ".csv");
        int fast_rows = 0;
        for (size_t row = 0; row < part.rows.size(); row++) {
            if (csv_cell(part, row, "data").compare(0, 8, "aug_fast") != 0) continue;
            fast_rows++;
            CHECK(csv_cell(part, row, "stop_iteration") == "1000");
            CHECK(csv_cell(part, row, "stop_crossed") == "0");
        }
        CHECK(fast_rows == (job == 1 ? 8 : 0));  // 4 solvers × (aug_fast, aug_fast_obs)
    }
    std::vector<Claim> claims = read_claims(out + "/claims.csv");
    CHECK(std::count_if(claims.begin(), claims.end(), [](const Claim& c) { return c.text.find("(vi") == 0; }) == 2);
}
