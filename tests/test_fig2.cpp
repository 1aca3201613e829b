// fig2 end to end at a tiny size: an interrupted run that resumes gives the same numbers as an uninterrupted one,
// and members aggregate into mean and sd per checkpoint.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>
#include <vector>

#include "../data/atomic_file.h"
#include "../cli/commands.h"
#include "../report/csv.h"
#include "../report/report.h"

static int run_fig2(const std::string& out, std::vector<std::string> extra, const std::string& checkpoints = "40,80") {
    std::vector<std::string> words = {"repro", "fig2", "--out", out, "--n", "6", "--M", "100", "--M-plus", "300",
                                      "--checkpoints", checkpoints, "--save-every", "30", "--batch", "16", "--sampler",
                                      "ddim", "--steps", "10", "--eps-count", "5", "--threads", "1", "--quiet"};
    words.insert(words.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(&word[0]);
    argv.push_back(nullptr);
    return command_fig2((int)words.size(), argv.data());
}

static void remove_tree(const std::string& path) {
    if (path_exists(path)) REQUIRE(std::system(("rm -rf " + path).c_str()) == 0);
}

// The numbers of a member's fig2.csv without the timing columns.
static std::vector<std::vector<std::string>> numbers(const std::string& path) {
    CsvTable table = csv_read(path);
    std::vector<std::vector<std::string>> rows;
    for (const auto& row : table.rows) rows.push_back(std::vector<std::string>(row.begin(), row.end() - 2));
    return rows;
}

TEST_CASE("fig2: a run interrupted after its first checkpoint resumes to the same numbers", "[figures]") {
    std::string whole = "build/test_tmp/fig2_whole", resumed = "build/test_tmp/fig2_resumed";
    remove_tree(whole);
    remove_tree(resumed);
    REQUIRE(run_fig2(whole, {"--members", "1"}) == 0);
    REQUIRE(run_fig2(resumed, {"--members", "1"}) == 0);
    // Put the second run back to where an interruption at iteration 60 (a --save-every save between the checkpoints
    // 40 and 80) would have left it: checkpoint 40 done, the model in training saved at 60, checkpoint 80 not done.
    std::string work = resumed + "/member_0/work";
    REQUIRE(std::remove((work + "/checkpoint_80.csv").c_str()) == 0);
    REQUIRE(std::remove((work + "/models/80.bin").c_str()) == 0);
    REQUIRE(run_fig2(resumed + "_60", {"--members", "1"}, "40,60") == 0);
    REQUIRE(std::rename((resumed + "_60/member_0/work/model.bin").c_str(), (work + "/model.bin").c_str()) == 0);
    remove_tree(resumed + "_60");
    REQUIRE(run_fig2(resumed, {"--members", "1"}) == 0);
    CHECK(numbers(resumed + "/member_0/fig2.csv") == numbers(whole + "/member_0/fig2.csv"));
    CHECK(read_file(resumed + "/member_0/references.csv") == read_file(whole + "/member_0/references.csv"));

    // A row removed after training has passed it (to recompute it after a fix) comes back from the model kept at
    // that checkpoint, with the same numbers and the training time of the row it replaces.
    std::string row = resumed + "/member_0/work/checkpoint_40.csv";
    std::string replaced = resumed + "/member_0/work/checkpoint_40.replaced.csv";
    REQUIRE(std::rename(row.c_str(), replaced.c_str()) == 0);
    REQUIRE(run_fig2(resumed, {"--members", "1"}) == 0);
    CHECK(numbers(row) == numbers(replaced));
    CHECK(csv_cell(csv_read(row), 0, "seconds_train") == csv_cell(csv_read(replaced), 0, "seconds_train"));
}

TEST_CASE("fig2: members aggregate into mean and sd per checkpoint; more members extend a finished run", "[figures]") {
    std::string out = "build/test_tmp/fig2_members";
    remove_tree(out);
    REQUIRE(run_fig2(out, {"--members", "1"}) == 0);
    std::string first = read_file(out + "/member_0/fig2.csv");
    REQUIRE(run_fig2(out, {"--members", "2"}) == 0);
    CHECK(read_file(out + "/member_0/fig2.csv") == first);  // member 0 kept, member 1 added
    CsvTable table = csv_read(out + "/fig2.csv");
    REQUIRE(table.rows.size() == 2);
    CHECK(csv_cell(table, 0, "members") == "2");
    double a = csv_double(csv_read(out + "/member_0/fig2.csv"), 1, "mse_aug");
    double b = csv_double(csv_read(out + "/member_1/fig2.csv"), 1, "mse_aug");
    CHECK(csv_double(table, 1, "mse_aug_mean") == Approx((a + b) / 2).epsilon(1e-12));
    CHECK(a != b);  // members draw different data
    CHECK(read_claims(out + "/claims.csv").size() == 7);
}

TEST_CASE("fig2: the final step samples the rule's stop, the best and the last checkpoint, and judges them", "[figures]") {
    std::string out = "build/test_tmp/fig2_final";
    remove_tree(out);
    REQUIRE(run_fig2(out, {"--members", "1", "--final-M-plus", "200"}) == 0);
    CsvTable final_rows = csv_read(out + "/member_0/final.csv");
    REQUIRE(final_rows.rows.size() == 3);
    CHECK(csv_cell(final_rows, 0, "role") == "rule stop");
    CHECK(csv_cell(final_rows, 2, "role") == "last");
    CHECK(csv_cell(final_rows, 2, "iteration") == "80");
    std::vector<Claim> claims = read_claims(out + "/claims.csv");
    int with_final = 0;
    for (const Claim& claim : claims) with_final += claim.text.find("200 DDPM samples") != std::string::npos;
    CHECK(with_final == 3);
    remove_tree(out);
}
