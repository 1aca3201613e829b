// Command-line parsing: defaults, both option spellings, and the errors a user can make.
#include <catch2/catch.hpp>

#include "../runner/args.h"

static Args parse(std::vector<std::string> words) {
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(&word[0]);
    std::vector<OptionSpec> spec = {{"n", "N", "40", "spins"}, {"out", "FILE", "", "output"}, {"verbose", "", "", "more"}};
    return parse_args((int)argv.size(), argv.data(), 2, "repro test", "test", spec, 0, 1);
}

TEST_CASE("options: defaults, --key value, --key=value, flags", "[args]") {
    Args args = parse({"repro", "test", "--n=12", "--verbose", "file.txt"});
    CHECK(arg_int(args, "n") == 12);
    CHECK(arg_flag(args, "verbose"));
    CHECK(args.positional.size() == 1);
    CHECK(arg_int(args, "seed") == 1);
    Args defaults = parse({"repro", "test"});
    CHECK(arg_int(defaults, "n") == 40);
    CHECK_FALSE(arg_flag(defaults, "verbose"));
    CHECK_THROWS_AS(arg_string(defaults, "out"), UsageError);
}

TEST_CASE("options: errors name the problem", "[args]") {
    CHECK_THROWS_AS(parse({"repro", "test", "--bogus", "1"}), UsageError);
    CHECK_THROWS_AS(parse({"repro", "test", "--n"}), UsageError);
    CHECK_THROWS_AS(parse({"repro", "test", "a", "b"}), UsageError);
    CHECK_THROWS_AS(arg_int(parse({"repro", "test", "--n", "4x"}), "n"), UsageError);
    CHECK_THROWS_AS(arg_double(parse({"repro", "test", "--n", "nan"}), "n"), UsageError);
}
