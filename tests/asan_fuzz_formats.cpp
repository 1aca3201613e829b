// A seeded mutation fuzzer for the two text parsers, under AddressSanitizer/UBSan: valid sample and parameter
// files are mutated (bit flips, bytes the parsers care about, hostile tokens such as 1e400, 4e38, nan, a BOM, a
// very long number, deleted/duplicated/truncated ranges) and parsed. Every result must either be a
// std::runtime_error or data that keeps the format's promises (±1 spins, n × n finite, symmetric, in-range
// couplings). Bounded by time (3 s) and by a trial count; the seed makes every run replay the same inputs.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <string>

#include "../data/formats.h"
#include "../data/rng.h"

static std::string valid_samples(Rng* rng) {
    int n = 1 + (int)rng_below(rng, 6), rows = 1 + (int)rng_below(rng, 6);
    bool zero_one = rng_uniform(rng) < 0.3;
    std::string text = rng_uniform(rng) < 0.3 ? "# comment\n" : "";
    for (int r = 0; r < rows; r++) {
        for (int i = 0; i < n; i++) {
            bool up = rng_uniform(rng) < 0.5;
            text += (i ? (rng_uniform(rng) < 0.2 ? "," : " ") : "");
            text += zero_one ? (up ? "1" : "0") : (up ? "1" : "-1");
        }
        text += rng_uniform(rng) < 0.1 ? "\r\n" : "\n";
    }
    return text;
}

static std::string valid_params(Rng* rng) {
    int n = 1 + (int)rng_below(rng, 5);
    std::vector<double> w((size_t)n * n, 0.0);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) w[(size_t)i * n + j] = w[(size_t)j * n + i] = rng_normal(rng);
    std::string text;
    char number[32];
    for (int row = -1; row < n; row++) {
        for (int i = 0; i < n; i++) {
            std::snprintf(number, sizeof number, "%.17g", row < 0 ? rng_normal(rng) : w[(size_t)row * n + i]);
            text += (i ? " " : "") + std::string(number);
        }
        text += "\n";
    }
    return text;
}

static void mutate(std::string* text, Rng* rng) {
    static const std::string tokens[] = {"nan", "inf", "-inf", "1e400", "4e38", "1e300", "-0", "1e-320", "0x1p3",
                                         "\xEF\xBB\xBF", "99999999999999999999999999999999", "1.0", "+1", "--1", "#",
                                         ",", ",,", "\n", "\r", "\t", " ", "e", ".", "2", "-", std::string(1, '\0')};
    static const char bytes[] = "01-+ ,\n\r\t#.eE";
    size_t size = text->size();
    size_t at = size ? (size_t)rng_below(rng, size) : 0;
    switch (rng_below(rng, 7)) {
        case 0: if (size) (*text)[at] ^= (char)(1u << rng_below(rng, 8)); break;
        case 1: if (size) (*text)[at] = bytes[rng_below(rng, sizeof bytes - 1)]; break;
        case 2: text->insert(at, tokens[rng_below(rng, sizeof tokens / sizeof tokens[0])]); break;
        case 3: text->erase(at, (size_t)rng_below(rng, 8)); break;
        case 4: text->insert(at, text->substr(at, (size_t)rng_below(rng, 16))); break;
        case 5: text->resize(at); break;
        default: text->insert(at, std::string((size_t)rng_below(rng, 200), '1')); break;
    }
}

static void check_samples(const std::string& text) {
    try {
        Samples samples = parse_samples(text, "fuzz", true);
        REQUIRE(samples.count >= 1);
        REQUIRE(samples.n >= 1);
        REQUIRE((long)samples.spins.size() == (long)samples.count * samples.n);
        for (float spin : samples.spins) REQUIRE((spin == 1.0f || spin == -1.0f));
    } catch (const std::runtime_error&) {
    }
}

static void check_params(const std::string& text) {
    try {
        IsingParams params = parse_params(text, "fuzz");
        int n = params.n;
        REQUIRE(n >= 1);
        REQUIRE((int)params.bias.size() == n);
        REQUIRE((long)params.coupling.size() == (long)n * n);
        for (double b : params.bias) REQUIRE((std::isfinite(b) && std::fabs(b) <= PARAMS_MAX_ABS));
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                double w = params.coupling[(size_t)i * n + j];
                REQUIRE((std::isfinite(w) && std::fabs(w) <= PARAMS_MAX_ABS));
                REQUIRE(w == params.coupling[(size_t)j * n + i]);
                if (i == j) REQUIRE(w == 0.0);
            }
    } catch (const std::runtime_error&) {
    }
}

TEST_CASE("formats under sanitizers: mutated sample and parameter files (seeded, 3 s)", "[formats][asan][fuzz]") {
    Rng rng;
    rng_seed(&rng, 15, 0);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    long trials = 0;
    for (; trials < 200000 && std::chrono::steady_clock::now() < deadline; trials++) {
        bool samples = trials % 2 == 0;
        std::string text = samples ? valid_samples(&rng) : valid_params(&rng);
        int mutations = 1 + (int)rng_below(&rng, 6);
        for (int m = 0; m < mutations; m++) mutate(&text, &rng);
        // Each mutated file goes to both parsers: a parameter file is hostile input for the sample parser too.
        check_samples(text);
        check_params(text);
    }
    INFO(trials << " mutated files");
    CHECK(trials > 0);
}
