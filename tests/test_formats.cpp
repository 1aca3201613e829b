// The samples and parameters text formats: exact round trips, the accepted spellings, and the documented error
// (FILE:LINE:COL: message) for every kind of bad input.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <string>
#include <unistd.h>

#include "../data/atomic_file.h"
#include "../data/formats.h"
#include "../data/rng.h"

// The message parse_samples / parse_params throws for `text` ("" if it does not throw).
static std::string samples_error(const std::string& text) {
    try {
        parse_samples(text, "s.txt", true);
    } catch (const std::runtime_error& error) {
        return error.what();
    }
    return "";
}

static std::string params_error(const std::string& text) {
    try {
        parse_params(text, "p.txt");
    } catch (const std::runtime_error& error) {
        return error.what();
    }
    return "";
}

TEST_CASE("parameters: values the computation cannot represent are refused with FILE:LINE:COL", "[formats][hostile]") {
    // A bias of 4e38 is finite in double but inf in the float energies: energy printed "mean -nan".
    using Catch::Matchers::Contains;
    CHECK_THAT(params_error("4e38 0\n0 1\n1 0\n"), Contains("p.txt:1:1: parameter 4e38 is out of range") &&
                                                      Contains("at most 1e6"));
    CHECK_THAT(params_error("0 0\n0 1e300\n1e300 0\n"), Contains("p.txt:2:3: parameter 1e300 is out of range"));
    CHECK(params_error("1e6 -1e6\n0 -1e6\n-1e6 0\n") == "");
}

static std::string temp_path(const std::string& name) { return "/tmp/repro_test_" + std::to_string(getpid()) + "_" + name; }

TEST_CASE("samples: accepted spellings, comments, separators, 0/1 mapping", "[formats]") {
    Samples samples = parse_samples("# header\n\n1 -1 +1\n  -1,1 , -1\r\n# more\n1.0\t-1e0  1\n", "s.txt", true);
    REQUIRE(samples.count == 3);
    REQUIRE(samples.n == 3);
    std::vector<float> expected = {1, -1, 1, -1, 1, -1, 1, -1, 1};
    CHECK(samples.spins == expected);
    // A file with no trailing newline and a last line that is a comment.
    CHECK(parse_samples("1 1\n-1 -1", "s.txt", true).count == 2);
    Samples binary = parse_samples("0 1\n1 0\n1 1\n", "s.txt", true);
    std::vector<float> mapped = {-1, 1, 1, -1, 1, 1};
    CHECK(binary.spins == mapped);
    // All ones is the same in either encoding.
    CHECK(parse_samples("1 1\n", "s.txt", true).spins == std::vector<float>{1, 1});
}

TEST_CASE("samples: every bad input names file, line, column and the problem", "[formats]") {
    // A bad value in the first row may be a header that was not recognised (names that read as numbers).
    const std::string header_hint = "; if line 1 is a header of column names, give --header";
    CHECK(samples_error("") == "s.txt:1:1: empty file: no samples");
    CHECK(samples_error("# only a comment\n\n") == "s.txt:1:1: no samples (only comments or blank lines)");
    CHECK(samples_error("1 -1 1\n1 -1\n") == "s.txt:2:5: row has 2 values, expected 3 (as in the first row, line 1)");
    CHECK(samples_error("1 -1\n1 -1 1\n") ==
          "s.txt:2:6: row has more than 2 values (the first row, line 1, has 2)");
    CHECK(samples_error("1 -1\n1 2\n") == "s.txt:2:3: bad spin value '2' (expected -1/+1 or 0/1)");
    CHECK(samples_error("1 -1\nx 1\n") == "s.txt:2:1: bad spin value 'x' (expected -1/+1 or 0/1)");
    CHECK(samples_error("1 -1\n1 0.5\n") == "s.txt:2:3: bad spin value '0.5' (expected -1/+1 or 0/1)");
    CHECK(samples_error("1 NaN\n") == "s.txt:1:3: NaN is not a spin value (expected -1/+1 or 0/1)" + header_hint);
    CHECK(samples_error("1 nan\n") == "s.txt:1:3: NaN is not a spin value (expected -1/+1 or 0/1)" + header_hint);
    CHECK(samples_error("1 inf\n") == "s.txt:1:3: bad spin value 'inf' (expected -1/+1 or 0/1)" + header_hint);
    CHECK(samples_error("1 -1\n0 1\n") ==
          "s.txt:2:1: value 0 in a file that uses -1 (first at line 1:3): values must be all -1/+1 or all 0/1");
    CHECK(samples_error("0 1\n-1 1\n") ==
          "s.txt:2:1: value -1 in a file that uses 0 (first at line 1:1): values must be all -1/+1 or all 0/1");
    CHECK(samples_error("1,,1\n") == "s.txt:1:3: empty value before ','");
    CHECK(samples_error(",1\n") == "s.txt:1:1: empty value before ','");
    CHECK(samples_error("1,1,\n") == "s.txt:1:4: missing value after ','");
    CHECK(samples_error(std::string("1 \x01\n", 4)) == "s.txt:1:3: bad spin value '?' (expected -1/+1 or 0/1)" + header_hint);
    CHECK(samples_error(std::string("1 1\0\n", 5)) == "s.txt:1:3: bad spin value '1?' (expected -1/+1 or 0/1)" + header_hint);
}

TEST_CASE("samples: write then read is exact, and a missing file is named", "[formats]") {
    Rng rng;
    rng_seed(&rng, 5, 0);
    Samples samples;
    samples.count = 37;
    samples.n = 11;
    for (int k = 0; k < samples.count * samples.n; k++) samples.spins.push_back(rng_uniform(&rng) < 0.3 ? 1.0f : -1.0f);
    std::string path = temp_path("samples.txt");
    write_samples(path, samples);
    Samples back = read_samples(path, true);
    CHECK(back.count == samples.count);
    CHECK(back.n == samples.n);
    CHECK(back.spins == samples.spins);
    std::remove(path.c_str());
    CHECK_THROWS_WITH(read_samples(path, true), Catch::Contains(path));
    samples.spins[3] = 0.5f;
    CHECK_THROWS_WITH(write_samples(path, samples), Catch::Contains("not -1 or +1"));
    CHECK_FALSE(path_exists(path));
}

TEST_CASE("parameters: write then read is exact (%.17g), blanks and commas accepted", "[formats]") {
    Rng rng;
    rng_seed(&rng, 9, 0);
    IsingParams params;
    params.n = 6;
    params.coupling.assign(36, 0.0);
    // magnitudes 1e-20 ... 1e5 (read_params refuses beyond PARAMS_MAX_ABS = 1e6)
    for (int i = 0; i < 6; i++) params.bias.push_back(rng_normal(&rng) * std::pow(10.0, (int)(rng_uniform(&rng) * 26) - 20));
    for (int i = 0; i < 6; i++)
        for (int j = i + 1; j < 6; j++) params.coupling[i * 6 + j] = params.coupling[j * 6 + i] = rng_normal(&rng) / 3.0;
    params.bias[2] = 5e-324;  // smallest subnormal
    std::string path = temp_path("params.txt");
    write_params(path, params);
    IsingParams back = read_params(path);
    std::remove(path.c_str());
    CHECK(back.n == 6);
    CHECK(back.bias == params.bias);
    CHECK(back.coupling == params.coupling);
    IsingParams small = parse_params("# b\n0.5, -0.25\n\n0 1e-1\r\n0.1 , 0\n", "p.txt");
    CHECK(small.bias == std::vector<double>{0.5, -0.25});
    CHECK(small.coupling == std::vector<double>{0, 0.1, 0.1, 0});
}

TEST_CASE("parameters: every bad input names file, line, column and the problem", "[formats]") {
    CHECK(params_error("") == "p.txt:1:1: empty file: no parameters");
    CHECK(params_error("#\n") == "p.txt:1:1: no parameters (only comments or blank lines)");
    CHECK(params_error("1 2\n0 1\n1 0\n") == "");
    CHECK(params_error("1 2\n0 1\n2 0\n") ==
          "p.txt:3:1: w[1][0] = 2 differs from w[0][1] = 1 (couplings must be symmetric)");
    CHECK(params_error("1 2\n0.5 1\n1 0\n") == "p.txt:2:1: diagonal coupling w[0][0] must be 0");
    CHECK(params_error("1 2\n0 1\n1\n") == "p.txt:3:2: coupling row has 1 values, expected 2 (one per bias)");
    CHECK(params_error("1 2\n0 1 5\n") == "p.txt:2:5: coupling row has more than 2 values");
    CHECK(params_error("1 2\n0 1\n") == "p.txt:3:1: expected 2 rows of couplings after the 2 biases, found 1");
    CHECK(params_error("1 2\n0 1\n1 0\n0 0\n") ==
          "p.txt:4:1: more than 3 lines of values (the biases, then 2 rows of couplings)");
    CHECK(params_error("1 x\n0 1\n1 0\n") == "p.txt:1:3: bad number 'x'");
    CHECK(params_error("1 2e\n0 1\n1 0\n") == "p.txt:1:3: bad number '2e'");
    CHECK(params_error("1 nan\n0 1\n1 0\n") == "p.txt:1:3: parameter is nan, not a finite number");
    CHECK(params_error("1 2\n0 inf\ninf 0\n") == "p.txt:2:3: parameter is inf, not a finite number");
    CHECK(params_error("1,,2\n") == "p.txt:1:3: empty value before ','");
}
