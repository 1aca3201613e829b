// fig6 end to end at a tiny size (the embedded recording, 1000 diffusion iterations with small batches, few
// samples): the merged table has every model and measure at every k, the baselines behave as they must, and the
// summary, claims and checkpoint tables are written.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>
#include <vector>

#include "../data/atomic_file.h"
#include "../cli/commands.h"
#include "../report/csv.h"
#include "../report/report.h"

static int run_fig6(const std::string& out) {
    std::vector<std::string> words = {"repro", "fig6", "--out", out, "--ensembles", "2", "--M-plus", "300",
                                      "--iterations", "1000", "--probe", "200", "--batch", "16", "--sampler", "ddim",
                                      "--steps", "10", "--eps-count", "3", "--k-max", "3", "--threads", "2", "--quiet"};
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(&word[0]);
    argv.push_back(nullptr);
    return command_fig6((int)words.size(), argv.data());
}

TEST_CASE("fig6: every model and measure on the same hidden sets, tiny run", "[figures]") {
    std::string out = "build/test_tmp/fig6_tiny";
    if (path_exists(out)) REQUIRE(std::system(("rm -rf " + out).c_str()) == 0);
    REQUIRE(run_fig6(out) == 0);
    CsvTable table = csv_read(out + "/fig6.csv");
    REQUIRE(table.rows.size() == 3 * 6);  // k = 1..3 × obs/aug × EM/PLM, independent, silent
    for (size_t r = 0; r < table.rows.size(); r++) {
        INFO("row " << r << " model " << csv_cell(table, r, "model"));
        CHECK(csv_cell(table, r, "members") == "2");
        double accuracy = csv_double(table, r, "accuracy_mean");
        CHECK((accuracy >= 0 && accuracy <= 1));
        if (csv_cell(table, r, "model") == "silent") {
            CHECK(csv_double(table, r, "spike_recall_mean") == 0.0);
            CHECK(csv_double(table, r, "balanced_accuracy_mean") == 0.5);
            CHECK(csv_cell(table, r, "log2_likelihood_mean").empty());
        } else {
            CHECK(csv_double(table, r, "log2_likelihood_mean") < 0);
        }
    }
    // The independent model reconstructs silence for every neuron of this recording: the same accuracy.
    CsvTable silent = csv_filter(table, "model", "silent"), independent = csv_filter(table, "model", "independent");
    for (size_t r = 0; r < silent.rows.size(); r++)
        CHECK(csv_double(silent, r, "accuracy_mean") == csv_double(independent, r, "accuracy_mean"));
    CHECK(read_claims(out + "/claims.csv").size() == 13);
    CHECK(csv_read(out + "/fig6_checkpoints.csv").rows.size() == 2);  // one checkpoint per member
    CsvTable choices = csv_read(out + "/fig6_choices.csv");
    CHECK(choices.rows.size() == 4);  // the energy-variance and held-out choices of each member
    std::string summary = read_file(out + "/summary.md");
    CHECK_THAT(summary, Catch::Contains("best model by each measure"));
    CHECK_THAT(summary, Catch::Contains("held-out pick"));
}
