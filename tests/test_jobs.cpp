// The job/merge runner: two tiny jobs run, a rerun skips them, a merge reports the missing one; parts of another
// design are refused; the aggregation gives the exact mean, sample sd and count.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "../data/atomic_file.h"
#include "../report/statistics.h"
#include "../runner/jobs.h"
#include "../runner/parts.h"

static std::string temp_directory() {
    char pattern[] = "/tmp/repro_test_jobs_XXXXXX";
    REQUIRE(mkdtemp(pattern) != nullptr);
    return pattern;
}

static Args job_args(std::vector<std::string> words) {
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(&word[0]);
    return parse_args((int)argv.size(), argv.data(), 2, "repro test", "test", job_options(), 0, 0);
}

TEST_CASE("jobs: design grid, ids and parameters", "[jobs]") {
    std::vector<Job> design = design_grid({{"g", {"0.5", "1.5"}}, {"ens", {"0", "1", "2"}}});
    REQUIRE(design.size() == 6);
    CHECK(design[0].id == "g=0.5/ens=0");
    CHECK(design[5].id == "g=1.5/ens=2");
    CHECK(job_double(design[4], "g") == 1.5);
    CHECK(job_int(design[4], "ens") == 1);
    CHECK_THROWS_WITH(job_param(design[0], "M"), Catch::Contains("g=0.5/ens=0") && Catch::Contains("'M'"));
}

TEST_CASE("jobs: run two jobs, skip on rerun, merge reports the missing job", "[jobs]") {
    std::string out = temp_directory();
    std::vector<Job> design = design_grid({{"g", {"1", "2"}}, {"ens", {"0"}}});
    int calls = 0;
    // A trivial job: two rows, value = g * (row + 1).
    JobFunction run_job = [&](const Job& job, int index) {
        calls++;
        CsvTable rows = csv_table({"series", "value"});
        csv_add_row(&rows, {"obs", csv_number(job_double(job, "g") * 1)});
        csv_add_row(&rows, {"aug", csv_number(job_double(job, "g") * 2 + index)});
        return rows;
    };

    // --job 1 runs only job 1 and does not merge.
    MergeResult merged;
    CHECK_FALSE(jobs_dispatch(job_args({"repro", "test", "--job", "1", "--quiet"}), out, design, run_job, &merged));
    CHECK(calls == 1);
    CHECK(path_exists(job_part_path(out, 1)));
    CHECK_FALSE(path_exists(job_part_path(out, 0)));
    CHECK(path_exists(out + "/parts/design.csv"));

    // --merge with job 0 missing: the rows of job 1, and job 0 reported by index and id.
    REQUIRE(jobs_dispatch(job_args({"repro", "test", "--merge", "--quiet"}), out, design, run_job, &merged));
    CHECK(merged.missing == std::vector<int>{0});
    CHECK(jobs_missing_text(design, merged.missing) == "missing 1 of 2 jobs: 0 (g=1/ens=0)");
    REQUIRE(merged.table.rows.size() == 2);
    CHECK(merged.table.header == std::vector<std::string>{"job", "job_id", "job_seconds", "g", "ens", "series", "value"});
    CHECK(merged.jobs_done == 1);
    CHECK(merged.job_seconds_total >= 0);
    CHECK(csv_cell(merged.table, 1, "job_id") == "g=2/ens=0");
    CHECK(csv_double(merged.table, 1, "value") == 5.0);  // 2 * 2 + index 1

    // The default mode runs only the missing job, then merges everything in design order.
    REQUIRE(jobs_dispatch(job_args({"repro", "test", "--quiet"}), out, design, run_job, &merged));
    CHECK(calls == 2);
    CHECK(merged.missing.empty());
    REQUIRE(merged.table.rows.size() == 4);
    CHECK(csv_int(merged.table, 0, "job") == 0);
    CHECK(csv_double(merged.table, 1, "value") == 2.0);
    CHECK(csv_int(merged.table, 3, "job") == 1);

    // A rerun skips both finished jobs (the callback is not called again), also with --job.
    CHECK(jobs_run_all(out, design, run_job, true) == 0);
    CHECK_FALSE(jobs_run_one(out, design, 0, run_job));
    CHECK(calls == 2);

    // Errors: an index outside the design, a different design in the same directory, a job that throws.
    CHECK_THROWS_AS(jobs_dispatch(job_args({"repro", "test", "--job", "2"}), out, design, run_job, &merged), UsageError);
    CHECK_THROWS_AS(jobs_dispatch(job_args({"repro", "test", "--job", "0", "--merge"}), out, design, run_job, &merged),
                    UsageError);
    std::vector<Job> other = design_grid({{"g", {"1", "3"}}, {"ens", {"0"}}});
    CHECK_THROWS_WITH(jobs_dispatch(job_args({"repro", "test", "--quiet"}), out, other, run_job, &merged),
                      Catch::Contains("another design"));
    CHECK_THROWS_WITH(jobs_merge(out, other), Catch::Contains("parts of another design"));
    std::string fresh = temp_directory();
    JobFunction failing = [](const Job&, int) -> CsvTable { throw std::runtime_error("diverged"); };
    CHECK_THROWS_WITH(jobs_run_one(fresh, design, 1, failing), Catch::Contains("job 1 (g=2/ens=0): diverged"));
    CHECK_FALSE(path_exists(job_part_path(fresh, 1)));
    CHECK_THROWS_WITH(jobs_dispatch(job_args({"repro", "test", "--merge"}), fresh, design, run_job, &merged),
                      Catch::Contains("nothing to merge"));
    std::system(("rm -rf '" + out + "' '" + fresh + "'").c_str());
}

TEST_CASE("jobs: a grown design (more members) keeps every finished part, renumbered; a half-done renumbering finishes",
          "[jobs]") {
    std::string out = temp_directory();
    int calls = 0;
    JobFunction run_job = [&](const Job& job, int) {  // depends on what the job is, not on its index
        calls++;
        CsvTable rows = csv_table({"value"});
        csv_add_row(&rows, {csv_number(job_double(job, "g") * 10 + (double)job_int(job, "ens"))});
        return rows;
    };
    MergeResult merged;
    std::vector<Job> three = design_grid({{"g", {"1", "2"}}, {"ens", {"0", "1", "2"}}});
    REQUIRE(jobs_dispatch(job_args({"repro", "test", "--quiet"}), out, three, run_job, &merged));
    REQUIRE(calls == 6);

    // Five members: g=2/ens=0 moves from job 3 to job 5; only the four new jobs run.
    std::vector<Job> five = design_grid({{"g", {"1", "2"}}, {"ens", {"0", "1", "2", "3", "4"}}});
    REQUIRE(jobs_dispatch(job_args({"repro", "test", "--quiet", "--merge"}), out, five, run_job, &merged));
    CHECK(merged.jobs_done == 6);
    CHECK(merged.missing == std::vector<int>{3, 4, 8, 9});
    CHECK(csv_cell(csv_read(job_part_path(out, 5)), 0, "job_id") == "g=2/ens=0");
    CHECK(csv_int(csv_read(job_part_path(out, 5)), 0, "job") == 5);
    REQUIRE(jobs_dispatch(job_args({"repro", "test", "--quiet"}), out, five, run_job, &merged));
    CHECK(calls == 10);
    for (size_t k = 0; k < five.size(); k++)
        CHECK(csv_double(merged.table, k, "value") == job_double(five[k], "g") * 10 + (double)job_int(five[k], "ens"));

    // Interrupted halfway from five to seven members: one part already moved, design.csv still the old one.
    std::vector<Job> seven = design_grid({{"g", {"1", "2"}}, {"ens", {"0", "1", "2", "3", "4", "5", "6"}}});
    CsvTable moved = csv_read(job_part_path(out, 9));  // g=2/ens=4 → job 11 in the seven-member design
    moved.rows[0][csv_column(moved, "job")] = "11";
    part_write(out + "/parts", "job_11", moved);
    REQUIRE(std::remove(job_part_path(out, 9).c_str()) == 0);
    REQUIRE(jobs_dispatch(job_args({"repro", "test", "--quiet", "--merge"}), out, seven, run_job, &merged));
    CHECK(merged.jobs_done == 10);
    CHECK(merged.missing == std::vector<int>{5, 6, 12, 13});

    // A design that drops or changes a finished job is still refused.
    std::vector<Job> fewer = design_grid({{"g", {"1"}}, {"ens", {"0", "1", "2", "3", "4", "5", "6"}}});
    CHECK_THROWS_WITH(jobs_dispatch(job_args({"repro", "test", "--quiet"}), out, fewer, run_job, &merged),
                      Catch::Contains("another design"));
    std::system(("rm -rf '" + out + "'").c_str());
}

TEST_CASE("jobs: group mean, sample sd (n-1) and count", "[jobs]") {
    CsvTable table = csv_table({"series", "g", "mse"});
    csv_add_row(&table, {"obs", "1", "1"});
    csv_add_row(&table, {"aug", "1", "10"});
    csv_add_row(&table, {"obs", "1", "2"});
    csv_add_row(&table, {"obs", "1", "6"});
    std::vector<Group> groups = group_estimates(table, {"series", "g"}, "mse");
    REQUIRE(groups.size() == 2);
    CHECK(groups[0].keys == std::vector<std::string>{"obs", "1"});  // order of first appearance
    const Estimate& obs = group_lookup(groups, {"obs", "1"});
    CHECK(obs.count == 3);
    CHECK(obs.mean == Approx(3.0).epsilon(1e-15));
    CHECK(obs.sd == Approx(std::sqrt(7.0)).epsilon(1e-15));  // ((1-3)² + (2-3)² + (6-3)²) / (3 - 1) = 7
    const Estimate& aug = group_lookup(groups, {"aug", "1"});
    CHECK(aug.count == 1);
    CHECK(std::isnan(aug.sd));
    CHECK_THROWS_WITH(group_lookup(groups, {"vae", "1"}), Catch::Contains("obs/1"));
    CsvTable summary = group_table(groups, {"series", "g"}, "mse");
    CHECK(summary.header == std::vector<std::string>{"series", "g", "mse_mean", "mse_sd", "mse_count"});
    CHECK(csv_cell(summary, 1, "mse_sd") == "");  // undefined for a single value: empty, never "nan"
    CHECK(csv_int(summary, 0, "mse_count") == 3);
}

TEST_CASE("parts: write, exist, read back; ids must be plain file names", "[jobs]") {
    std::string dir = temp_directory() + "/work";  // created by part_write
    CsvTable table = csv_table({"iteration", "mse"});
    csv_add_row(&table, {"1000", "0.0042"});
    CHECK_FALSE(part_exists(dir, "checkpoint_1000"));
    part_write(dir, "checkpoint_1000", table);
    CHECK(part_exists(dir, "checkpoint_1000"));
    CHECK(part_path(dir, "checkpoint_1000") == dir + "/checkpoint_1000.csv");
    CsvTable back = part_read(dir, "checkpoint_1000");
    CHECK(back.header == table.header);
    CHECK(back.rows == table.rows);
    CHECK_THROWS(part_write(dir, "a/b", table));
    CHECK_THROWS(part_exists(dir, ".."));
    CHECK_THROWS(part_read(dir, "missing"));
}
