// One vocabulary across the commands (issue 28): old option names accepted where a published command line used them,
// options of another solver refused, a mistyped option answered with the nearest one, and several input files
// matched by their headers' column names.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "../runner/args.h"
#include "../cli/commands.h"
#include "../data/formats.h"

using Catch::Matchers::Contains;

// Runs a command on `words` and returns the message of the UsageError or error it throws ("" when it returns).
static std::string error_of(int (*command)(int, char**), std::vector<std::string> words) {
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(&word[0]);
    try {
        command((int)argv.size(), argv.data());
    } catch (const std::exception& error) {
        return error.what();
    }
    return "";
}

static std::string temp_folder() {
    char pattern[] = "/tmp/repro_vocabulary_XXXXXX";
    const char* folder = mkdtemp(pattern);
    REQUIRE(folder != nullptr);
    return folder;
}

static void write_text(const std::string& path, const std::string& text) {
    std::ofstream file(path);
    file << text;
}

static std::string read_text(const std::string& path) {
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

TEST_CASE("vocabulary: an old option name is read as the new one, and both at once are refused", "[args]") {
    std::vector<std::string> words = {"repro", "test", "--method", "plm"};
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(&word[0]);
    std::vector<OptionSpec> spec = {{"solver", "NAME", "em", "solver", {"method"}}};
    Args args = parse_args((int)argv.size(), argv.data(), 2, "repro test", "test", spec, 0, 0);
    CHECK(arg_string(args, "solver") == "plm");
    std::vector<std::string> both = {"repro", "test", "--method", "plm", "--solver", "em"};
    argv.clear();
    for (std::string& word : both) argv.push_back(&word[0]);
    CHECK_THROWS_WITH(parse_args((int)argv.size(), argv.data(), 2, "repro test", "test", spec, 0, 0),
                      Contains("--solver is given twice") && Contains("--method is its old name"));
}

TEST_CASE("vocabulary: a mistyped option gets the nearest one suggested", "[args]") {
    CHECK(nearest_word("lamda", {"lambda", "solver", "out"}) == "lambda");
    CHECK(nearest_word("xyz", {"lambda", "solver"}).empty());
    CHECK_THAT(error_of(command_infer, {"repro", "infer", "s.txt", "--out", "p.txt", "--lamda", "auto"}),
               Contains("unknown option --lamda; did you mean --lambda?"));
    CHECK_THAT(error_of(command_fig3, {"repro", "fig3", "--out", "/nonexistent/fig3", "--member", "2", "--list-jobs"}),
               Contains("did you mean --members?"));
    CHECK_THAT(error_of(command_augment, {"repro", "augment", "s.txt", "--out", "a.txt", "--sovler", "plm"}),
               Contains("did you mean --solver?"));
}

TEST_CASE("vocabulary: options of another solver are refused before any data are read", "[args]") {
    // s.txt does not exist: each error must come from the command line, not from reading it.
    auto infer = [](std::vector<std::string> extra) {
        std::vector<std::string> words = {"repro", "infer", "/nonexistent/s.txt", "--out", "/nonexistent/p.txt"};
        words.insert(words.end(), extra.begin(), extra.end());
        return error_of(command_infer, words);
    };
    CHECK_THAT(infer({"--lambda", "auto"}), Contains("--lambda applies to --solver plm only, not to --solver em"));
    CHECK_THAT(infer({"--solver", "mf", "--lambda", "1"}), Contains("not to --solver mf"));
    CHECK_THAT(infer({"--solver", "plm", "--eps-count", "9"}), Contains("--eps-count applies to --solver em only"));
    CHECK_THAT(infer({"--method", "plm", "--eps-grid", "0.1:0.9:9"}), Contains("--eps-grid applies to --solver em only"));
    CHECK_THAT(infer({"--solver", "mf", "--tol", "1e-3"}), Contains("--tol applies to --solver plm or mle only"));
    CHECK_THAT(infer({"--solver", "plm", "--folds", "3"}), Contains("apply with --lambda auto only"));
    CHECK_THAT(infer({"--eps-grid", "0.1:0.9:9", "--eps-count", "9"}), Contains("give one form"));
    CHECK_THAT(infer({"--solver", "bogus"}), Contains("--solver must be em, plm, mf or mle"));
    // The figures and repro augment read the same table.
    CHECK_THAT(error_of(command_fig3, {"repro", "fig3", "--out", "/nonexistent/fig3", "--lambda", "auto", "--list-jobs"}),
               Contains("--lambda applies to --solver plm only"));
    CHECK_THAT(error_of(command_fig3, {"repro", "fig3", "--out", "/nonexistent/fig3", "--solver", "mf", "--eps-count", "41",
                                      "--list-jobs"}),
               Contains("--eps-count applies to --solver em only"));
    CHECK_THAT(error_of(command_augment, {"repro", "augment", "/nonexistent/s.txt", "--out", "/nonexistent/a.txt",
                                          "--solver", "plm"}),
               Contains("--solver is used only with --stop energy-variance"));
    CHECK_THAT(error_of(command_augment, {"repro", "augment", "/nonexistent/s.txt", "--out", "/nonexistent/a.txt",
                                          "--stop", "energy-variance", "--lambda", "1"}),
               Contains("--lambda applies to --solver plm only"));
}

TEST_CASE("vocabulary: published spellings still work (--method, --eps-grid, 'erasure', --ensembles)", "[args]") {
    std::string folder = temp_folder();
    std::string samples = folder + "/s.txt", a = folder + "/a.txt", b = folder + "/b.txt";
    write_text(samples, "1 -1 1\n-1 -1 1\n1 1 -1\n-1 1 1\n1 -1 -1\n1 1 1\n");
    REQUIRE(error_of(command_infer, {"repro", "infer", samples, "--out", a, "--quiet", "--eps-grid", "0.2:0.8:7"}) == "");
    REQUIRE(error_of(command_infer, {"repro", "infer", samples, "--out", b, "--quiet", "--method", "erasure",
                                     "--eps-range", "0.2:0.8", "--eps-count", "7"}) == "");
    // The comment lines are the same too: both name the solver em.
    CHECK(read_text(a) == read_text(b));
    CHECK_THAT(read_text(a), Contains("solver em"));
    CHECK(error_of(command_fig3, {"repro", "fig3", "--out", folder + "/fig3", "--ensembles", "2", "--list-jobs"}) == "");
    CHECK_THAT(error_of(command_fig3, {"repro", "fig3", "--out", "/nonexistent/fig3", "--ensembles", "2", "--members", "2",
                                      "--list-jobs"}),
               Contains("--ensembles is its old name"));
    std::system(("rm -rf " + folder).c_str());
}

TEST_CASE("own data: several inputs are matched by their headers' column names", "[own]") {
    std::string folder = temp_folder();
    std::string first = folder + "/a.csv", reordered = folder + "/b.csv", other = folder + "/c.csv",
                same_order = folder + "/d.csv";
    write_text(first, "x,y,z\n1,0,1\n0,0,1\n1,1,0\n");
    write_text(reordered, "z,x,y\n0,1,1\n1,0,0\n1,1,1\n");   // rows 1,1,0 / 0,0,1 / 1,1,1 in x,y,z order
    write_text(same_order, "x,y,z\n1,1,0\n0,0,1\n1,1,1\n");
    write_text(other, "x,y,w\n1,0,1\n0,0,1\n1,1,0\n");
    std::string by_name = folder + "/p1.txt", by_position = folder + "/p2.txt";
    REQUIRE(error_of(command_infer, {"repro", "infer", first, reordered, "--out", by_name, "--solver", "mf",
                                     "--quiet"}) == "");
    REQUIRE(error_of(command_infer, {"repro", "infer", first, same_order, "--out", by_position, "--solver", "mf",
                                     "--quiet"}) == "");
    IsingParams p1 = read_params(by_name), p2 = read_params(by_position);
    CHECK(p1.bias == p2.bias);
    CHECK(p1.coupling == p2.coupling);
    CHECK_THAT(read_text(by_name), Contains("spins [x; y; z]"));  // the parameters say which row is which column
    CHECK_THAT(error_of(command_infer, {"repro", "infer", first, other, "--out", folder + "/p3.txt", "--solver", "mf",
                                        "--quiet"}),
               Contains("name different columns") && Contains("lacks: z") && Contains("has besides: w"));
    // repro augment reads several training files the same way.
    CHECK_THAT(error_of(command_augment, {"repro", "augment", first, other, "--out", folder + "/augmented.csv", "--iterations",
                                          "0", "--M-plus", "10", "--quiet"}),
               Contains("name different columns"));
    REQUIRE(error_of(command_augment, {"repro", "augment", first, reordered, "--out", folder + "/augmented.csv", "--iterations",
                                       "0", "--M-plus", "10", "--batch", "4", "--threads", "1", "--quiet"}) == "");
    CHECK(read_text(folder + "/augmented.csv").rfind("x,y,z\n", 0) == 0);  // the first file's header
    std::system(("rm -rf " + folder).c_str());
}

TEST_CASE("own data: repro sample --out x.csv writes commas", "[own]") {
    std::string folder = temp_folder();
    std::string out = folder + "/s.csv";
    REQUIRE(error_of(command_sample, {"repro", "sample", "--n", "4", "--M", "3", "--out", out, "--quiet"}) == "");
    std::string text = read_text(out);
    CHECK(text.find(',') != std::string::npos);
    CHECK(text.find(' ') == std::string::npos);
    std::system(("rm -rf " + folder).c_str());
}

TEST_CASE("own data: pandas booleans and semicolon-separated files get a hint", "[own]") {
    SampleReadOptions options;
    options.quiet = true;
    auto error_of_text = [&](const std::string& text) {
        try {
            parse_samples(text, "s.csv", options, nullptr);
        } catch (const std::runtime_error& error) {
            return std::string(error.what());
        }
        return std::string();
    };
    CHECK_THAT(error_of_text("a,b,c\nTrue,False,True\nFalse,False,True\n"), Contains("write them as 0/1"));
    CHECK_THAT(error_of_text("a;b;c\n1;0;1\n0;0;1\n"), Contains("separated by ';'"));
}
