// The text parsers under AddressSanitizer/UBSan: valid files, every kind of malformed one, and random byte
// soup must either parse or throw std::runtime_error, never read out of bounds.
#include <catch2/catch.hpp>

#include <string>

#include "../data/formats.h"
#include "../data/npy.h"
#include "../data/rng.h"

// Parses `text` with both parsers; returns how many of the two threw.
static int parse_both(const std::string& text) {
    int thrown = 0;
    try {
        Samples samples = parse_samples(text, "soup", true);
        CHECK((long)samples.spins.size() == (long)samples.count * samples.n);
    } catch (const std::runtime_error&) {
        thrown++;
    }
    try {
        IsingParams params = parse_params(text, "soup");
        CHECK((long)params.coupling.size() == (long)params.n * params.n);
    } catch (const std::runtime_error&) {
        thrown++;
    }
    return thrown;
}

TEST_CASE("formats under sanitizers: valid and malformed inputs", "[formats][asan]") {
    CHECK(parse_both("1 -1\n-1 1\n") == 1);  // fine samples; a 2 × 2 "coupling" block with diagonal 1 is not
    CHECK(parse_both("0.5 1\n0 2\n2 0\n") == 1);
    const char* bad[] = {"", "#", ",", "1,", ",1", "1 ,, 1", "nan", "1e", "-", "+", "1 1\n1", "\r\n\r\n", "1\n\0 1",
                         "1 2\n0 1\n1", "1 2\n0 1\n1 0\n1 1\n", "0x1p3 0\n0 0\n0 0\n", "1e999", "\t\v\f"};
    for (const char* text : bad) parse_both(text);
    parse_both(std::string("1 1\0\n", 5));
}

TEST_CASE("formats under sanitizers: random byte soup", "[formats][asan]") {
    Rng rng;
    rng_seed(&rng, 2024, 0);
    const char alphabet[] = "01-+ ,\n\r\t#.eEnaif9x";
    for (int trial = 0; trial < 3000; trial++) {
        std::string text;
        int length = (int)rng_below(&rng, 40);
        for (int k = 0; k < length; k++) {
            // mostly characters the parsers care about, sometimes any byte (NUL included)
            if (rng_uniform(&rng) < 0.9) text += alphabet[rng_below(&rng, sizeof alphabet - 1)];
            else text += (char)rng_below(&rng, 256);
        }
        parse_both(text);
    }
}

TEST_CASE("formats under sanitizers: .npy files cut anywhere, headers and weights columns", "[formats][asan]") {
    std::string header = "{'descr': '<i2', 'fortran_order': True, 'shape': (2, 3), }";
    while ((10 + header.size() + 1) % 64) header += ' ';
    header += '\n';
    std::string file = std::string("\x93NUMPY\x01\x00", 8) + (char)header.size() + '\0' + header;
    for (int k = 0; k < 6; k++) file += std::string(k % 2 ? "\x01\x00" : "\xff\xff", 2);
    REQUIRE(npy_parse(file, "s.npy").values.size() == 6);
    for (size_t cut = 0; cut < file.size(); cut++) CHECK_THROWS(npy_parse(file.substr(0, cut), "s.npy"));
    SampleReadOptions options;
    options.quiet = true;
    options.weights_column = "w";
    const char* texts[] = {"a,w\n1,2\n", "w\n1\n", "\"\",w\n1,1\n", "a, ,w\n", "a,w,\n1,1,1\n", "\xEF\xBB", "\xEF\xBB\xBF",
                           "a\tw\n1\t\n", "\"\n1\n", "a w\n1 nan\n", "a w\n1 1e400\n"};
    for (const char* text : texts) {
        try {
            Samples samples = parse_samples(text, "t", options, nullptr);
            CHECK(samples.weight.size() == (size_t)samples.count);
        } catch (const std::runtime_error&) {
        }
    }
}
