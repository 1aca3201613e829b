// The store of trained models shared by the figures (issue 18): fig2 and fig3 at the same (n, g, M, member) point
// draw the same data, and fig3 finds the model fig2 trained instead of training it again; a second fig3 finds every
// model and every generated set, with the same results.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>
#include <vector>

#include "../cli/commands.h"
#include "../data/atomic_file.h"
#include "../figures/model_store.h"
#include "../report/csv.h"
#include "../report/report.h"

static int run_command(int (*command)(int, char**), std::vector<std::string> words) {
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(&word[0]);
    argv.push_back(nullptr);
    return command((int)words.size(), argv.data());
}

static double reference(const std::string& path, const std::string& quantity) {
    CsvTable table = csv_read(path);
    for (size_t row = 0; row < table.rows.size(); row++)
        if (csv_cell(table, row, "quantity") == quantity) return csv_double(table, row, "value");
    FAIL("no " << quantity << " in " << path);
    return 0;
}

TEST_CASE("store: fig3 finds the model fig2 trained at the same point, and both see the same data", "[figures][store]") {
    std::string root = "build/test_tmp/model_store";
    if (path_exists(root)) REQUIRE(std::system(("rm -rf " + root).c_str()) == 0);
    std::string store = root + "/store";
    std::vector<std::string> shared = {"--n", "8", "--M", "200", "--M-plus", "300", "--batch", "16", "--sampler", "ddim",
                                       "--steps", "10", "--eps-count", "5", "--threads", "1", "--quiet", "--store", store};
    std::vector<std::string> fig2 = {"repro", "fig2", "--out", root + "/fig2", "--checkpoints", "1000", "--members", "1"};
    fig2.insert(fig2.end(), shared.begin(), shared.end());
    ModelStoreCounts before = model_store_counts();
    REQUIRE(run_command(command_fig2, fig2) == 0);
    ModelStoreCounts after_fig2 = model_store_counts();
    CHECK(after_fig2.kept == before.kept + 1);
    CHECK(after_fig2.found == before.found);

    std::vector<std::string> fig3 = {"repro", "fig3", "--out", root + "/fig3", "--g-list", "0.5,1", "--ensembles", "1",
                                     "--iterations", "1000", "--probe", "100"};
    fig3.insert(fig3.end(), shared.begin(), shared.end());
    REQUIRE(run_command(command_fig3, fig3) == 0);
    ModelStoreCounts after_fig3 = model_store_counts();
    // g = 1: the 1000-iteration model found, not trained again; g = 0.5: trained and kept.
    CHECK(after_fig3.found == after_fig2.found + 1);
    CHECK(after_fig3.iterations_saved == after_fig2.iterations_saved + 1000);
    CHECK(after_fig3.kept == after_fig2.kept + 1);
    CsvTable part = csv_read(root + "/fig3/parts/job_1.csv");
    REQUIRE(csv_cell(part, 0, "g") == "1");
    CHECK(csv_double(part, 0, "mse_obs") == reference(root + "/fig2/member_0/references.csv", "mse_obs"));
    // ... and the report says so: the point (8, 1, 200), member 0, is in both figures' observed_mse.csv and agrees.
    std::string section = shared_points_section(root, {"fig2", "fig3"});
    CHECK_THAT(section, Catch::Contains("1 of 1 shared (point, member) pairs agree"));
    CHECK_THAT(section, Catch::Contains("| n=8, g=1, M=200 | 0 |"));

    // The same figure again into another folder: every model and every generated set (probe and M+) is found.
    std::vector<std::string> again = fig3;
    again[3] = root + "/fig3_again";
    REQUIRE(run_command(command_fig3, again) == 0);
    ModelStoreCounts after_again = model_store_counts();
    CHECK(after_again.kept == after_fig3.kept);
    CHECK(after_again.found == after_fig3.found + 2);
    CHECK(after_again.sample_sets_found == after_fig3.sample_sets_found + 4);  // per job: one probe, the M+ set
    CHECK(read_file(root + "/fig3_again/fig3.csv") == read_file(root + "/fig3/fig3.csv"));

    // With --store none nothing is found or kept.
    fig3[3] = root + "/fig3_nostore";
    fig3.back() = "none";
    REQUIRE(run_command(command_fig3, fig3) == 0);
    CHECK(model_store_counts().found == after_again.found);
    CHECK(model_store_counts().kept == after_again.kept);
    CHECK(model_store_counts().sample_sets_found == after_again.sample_sets_found);
    CHECK(read_file(root + "/fig3_nostore/fig3.csv") == read_file(root + "/fig3/fig3.csv"));
}
