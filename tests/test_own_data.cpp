// People's own data files (docs/file-formats.md): header lines, byte-order marks, the input's encoding written
// back, several inputs, weights per row, standard input and output, .npy and .mat matrices, binary files refused,
// and the parameters' comment line and 0/1 gauge.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include "../data/atomic_file.h"
#include "../data/formats.h"
#include "../data/mat5.h"
#include "../data/rng.h"
#include "../data/subset.h"
#include "../cli/inputs.h"
#include "../ising/erasure.h"
#include "../ising/exact.h"
#include "../ising/moments.h"
#include "../ising/sk.h"

using Catch::Matchers::Contains;

static std::string temp_path(const std::string& name) { return "/tmp/repro_own_" + std::to_string(getpid()) + "_" + name; }

static SampleReadOptions quiet_options() {
    SampleReadOptions options;
    options.quiet = true;
    return options;
}

static std::string error_of(const std::string& text, const SampleReadOptions& options = SampleReadOptions()) {
    try {
        parse_samples(text, "s.csv", options, nullptr);
    } catch (const std::runtime_error& error) {
        return error.what();
    }
    return "";
}

// The text write_samples produces for `samples` in `format`.
static std::string written(const Samples& samples, const SampleFormat& format) {
    std::string path = temp_path("written.txt");
    write_samples(path, samples, format);
    std::string text = read_file(path);
    std::remove(path.c_str());
    return text;
}

TEST_CASE("own data: a header of names is detected and kept, a BOM skipped, the input's format written back", "[formats][own]") {
    const std::string csv = "neuron_01,neuron_02,\"neuron 3\"\n0,1,1\n1,0,0\n";
    SampleFormat format;
    Samples samples = parse_samples("\xEF\xBB\xBF" + csv, "s.csv", quiet_options(), &format);
    REQUIRE(samples.count == 2);
    REQUIRE(samples.n == 3);
    CHECK(samples.spins == std::vector<float>{-1, 1, 1, 1, -1, -1});
    CHECK(format.zero_one);
    CHECK(format.delimiter == ',');
    CHECK(format.names == std::vector<std::string>{"neuron_01", "neuron_02", "neuron 3"});
    // Written back in the same encoding, delimiter and header (quotes dropped, so numpy reads the names).
    CHECK(written(samples, format) == "neuron_01,neuron_02,neuron 3\n0,1,1\n1,0,0\n");
    format.zero_one = false;  // --format pm1
    CHECK(written(samples, format) == "neuron_01,neuron_02,neuron 3\n-1,1,1\n1,-1,-1\n");
    // A ±1 space-separated file without a header is written as it was.
    SampleFormat plain;
    Samples pm1 = parse_samples("# comment\n-1 1\n1 1\n", "s.txt", quiet_options(), &plain);
    CHECK_FALSE(plain.zero_one);
    CHECK(plain.delimiter == ' ');
    CHECK(plain.names.empty());
    CHECK(written(pm1, plain) == "-1 1\n1 1\n");
    // Names with numbers in them ("cell 0", as pandas writes a DataFrame's columns) are still a header.
    SampleFormat cells;
    CHECK(parse_samples("cell 0,cell 1\n0,1\n", "s.csv", quiet_options(), &cells).count == 1);
    CHECK(cells.names == std::vector<std::string>{"cell 0", "cell 1"});
    // Tab-separated.
    SampleFormat tabs;
    parse_samples("a\tb\n0\t1\n", "s.tsv", quiet_options(), &tabs);
    CHECK(tabs.delimiter == '\t');
}

TEST_CASE("own data: header errors say how to fix them", "[formats][own]") {
    // Names that read as numbers are not detected: the error points to --header, which reads them as names.
    CHECK(error_of("1,2,3\n0,1,1\n") ==
          "s.csv:1:3: bad spin value '2' (expected -1/+1 or 0/1); if line 1 is a header of column names, give --header");
    SampleReadOptions header;
    header.quiet = true;
    header.header = true;
    SampleFormat format;
    Samples samples = parse_samples("1,2,3\n0,1,1\n", "s.csv", header, &format);
    CHECK(samples.count == 1);
    CHECK(format.names == std::vector<std::string>{"1", "2", "3"});
    // A first line mixing names and numbers is not a header either.
    CHECK(error_of("id,1\n0,1\n") ==
          "s.csv:1:1: bad spin value 'id' (expected -1/+1 or 0/1); if line 1 is a header of column names, give --header");
    CHECK(error_of("a,b,c\n0,1\n") == "s.csv:2:4: row has 2 values, the header (line 1) has 3 names");
    CHECK(error_of("a,b\n") == "s.csv:1:1: no samples after the header line");
    CHECK(error_of("a,b\n0,1\nc,d\n") == "s.csv:3:1: bad spin value 'c' (expected -1/+1 or 0/1)");
}

TEST_CASE("own data: a weights column, by name or number", "[formats][own]") {
    SampleReadOptions options;
    options.quiet = true;
    options.weights_column = "count";
    SampleFormat format;
    Samples samples = parse_samples("a,count,b\n1,3,0\n0,0.5,0\n", "h.csv", options, &format);
    CHECK(samples.n == 2);
    CHECK(samples.spins == std::vector<float>{1, -1, -1, -1});
    CHECK(samples.weight == std::vector<double>{3, 0.5});
    CHECK(format.names == std::vector<std::string>{"a", "b"});
    options.weights_column = "3";
    Samples by_number = parse_samples("-1 1 7\n1 1 2\n", "h.txt", options, nullptr);
    CHECK(by_number.weight == std::vector<double>{7, 2});
    CHECK(by_number.spins == std::vector<float>{-1, 1, 1, 1});
    CHECK(error_of("-1 1 x\n", options) == "s.csv:1:6: bad weight 'x' (expected a count or weight from 0 to 1e15)");
    CHECK(error_of("-1 1 -2\n", options) == "s.csv:1:6: bad weight '-2' (expected a count or weight from 0 to 1e15)");
    CHECK(error_of("-1 1 0\n", options) == "s.csv:1:1: the weights sum to 0");
    options.weights_column = "4";
    CHECK(error_of("-1 1 1\n", options) == "s.csv:1:1: weights column 4 does not exist (the rows have 3 columns)");
    options.weights_column = "n";
    CHECK(error_of("a,b\n1,1\n", options) == "s.csv:1:1: no column named 'n' (columns: a, b)");
    CHECK_THAT(error_of("1,1\n", options), Contains("no header line"));
}

// Random ±1 samples of n spins, with some rows repeated.
static Samples random_samples(int count, int n, uint64_t seed) {
    Rng rng;
    rng_seed(&rng, seed, 0);
    Samples samples;
    samples.count = count;
    samples.n = n;
    for (int k = 0; k < count * n; k++) samples.spins.push_back(rng_uniform(&rng) < 0.4 ? 1.0f : -1.0f);
    return samples;
}

TEST_CASE("own data: a row of weight c is c repeats, for the erasure machine and for the moments", "[formats][own]") {
    Samples distinct = random_samples(40, 5, 3);
    Samples expanded, weighted = distinct;
    expanded.n = 5;
    for (int row = 0; row < distinct.count; row++) {
        int count = row % 4;  // 0 … 3 copies; weight 0 leaves a row out
        weighted.weight.push_back(count);
        for (int copy = 0; copy < count; copy++) {
            expanded.spins.insert(expanded.spins.end(), distinct.spins.begin() + row * 5, distinct.spins.begin() + row * 5 + 5);
            expanded.count++;
        }
    }
    ErasureOptions options;
    options.eps_count = 5;
    ErasureResult a = erasure_machine(expanded, options), b = erasure_machine(weighted, options);
    CHECK(a.chosen_eps == b.chosen_eps);
    for (size_t k = 0; k < a.params.coupling.size(); k++) CHECK(a.params.coupling[k] == Approx(b.params.coupling[k]).margin(1e-12));
    for (int i = 0; i < 5; i++) CHECK(a.params.bias[i] == Approx(b.params.bias[i]).margin(1e-12));
    Moments ma = sample_moments(expanded), mb = sample_moments(weighted);
    for (int i = 0; i < 5; i++) CHECK(ma.mean[i] == Approx(mb.mean[i]).margin(1e-12));
    for (size_t k = 0; k < ma.correlation.size(); k++) CHECK(ma.correlation[k] == Approx(mb.correlation[k]).margin(1e-12));
    // Fractional weights: the moments are the weighted averages.
    Samples two = parse_samples("1 1\n-1 1\n", "s.txt", true);
    two.weight = {0.25, 0.75};
    Moments m = sample_moments(two);
    CHECK(m.mean[0] == Approx(-0.5));
    CHECK(m.mean[1] == Approx(1.0));
    CHECK(m.correlation[1] == Approx(-0.5));
}

TEST_CASE("own data: several inputs are one data set; weights fill with 1 for files without them", "[formats][own]") {
    std::string a = temp_path("a.csv"), b = temp_path("b.txt");
    write_file_atomic(a, "x,y,w\n0,1,2\n");
    write_file_atomic(b, "-1 -1\n1 1\n");
    SampleReadOptions options;
    options.quiet = true;
    SampleFormat format;
    Samples both = read_sample_inputs({b, b}, options, &format);
    CHECK(both.count == 4);
    CHECK(both.weight.empty());
    options.weights_column = "w";
    Samples first = read_samples(a, options, &format);
    append_samples(&first, read_samples(b, true), "a and b");
    CHECK(first.count == 3);
    CHECK(first.weight == std::vector<double>{2, 1, 1});
    CHECK(first.spins == std::vector<float>{-1, 1, -1, -1, 1, 1});
    CHECK(format.names == std::vector<std::string>{"x", "y"});
    Samples three = parse_samples("1 1 1\n", "c.txt", true);
    CHECK_THROWS_WITH(append_samples(&first, three, "a and c"), "a and c: the files have n = 2 and n = 3");
    CHECK_THROWS_WITH(read_sample_inputs({"-", "-"}, options, nullptr), Contains("only once"));
    CHECK_THROWS_WITH(read_sample_inputs({b, a}, options, nullptr), Contains("no column is named 'w'"));
    std::remove(a.c_str());
    std::remove(b.c_str());
}

// Runs `body` with standard input read from `input_path` (restored afterwards).
template <typename Body>
static void with_stdin(const std::string& input_path, Body body) {
    int saved = dup(STDIN_FILENO), fd = open(input_path.c_str(), O_RDONLY);
    REQUIRE(fd >= 0);
    dup2(fd, STDIN_FILENO);
    close(fd);
    std::clearerr(stdin);
    body();
    dup2(saved, STDIN_FILENO);
    close(saved);
    std::clearerr(stdin);
}

TEST_CASE("own data: '-' reads standard input and writes standard output", "[formats][own]") {
    std::string in = temp_path("stdin.txt"), out = temp_path("stdout.txt");
    write_file_atomic(in, "a b\n1 0\n");
    with_stdin(in, [&] {
        SampleFormat format;
        Samples samples = read_samples("-", quiet_options(), &format);
        CHECK(samples.spins == std::vector<float>{1, -1});
        CHECK(format.names == std::vector<std::string>{"a", "b"});
    });
    // Standard output to a file for the test.
    std::fflush(stdout);
    int saved = dup(STDOUT_FILENO), fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    REQUIRE(fd >= 0);
    dup2(fd, STDOUT_FILENO);
    close(fd);
    IsingParams params;
    params.n = 2;
    params.bias = {0.5, -1};
    params.coupling = {0, 0.25, 0.25, 0};
    write_params("-", params, "test");
    std::fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    CHECK(read_file(out) == "# test\n0.5 -1\n0 0.25\n0.25 0\n");
    std::remove(in.c_str());
    std::remove(out.c_str());
}

// A .npy file: version 1.0 header for `descr` and `shape`, then `data`.
static std::string npy_file(const std::string& descr, const std::string& shape, const std::string& data, bool fortran = false) {
    std::string header = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
                         ", 'shape': " + shape + ", }";
    while ((10 + header.size() + 1) % 64) header += ' ';
    header += '\n';
    std::string file = "\x93NUMPY";
    file += (char)1;
    file += (char)0;
    file += (char)(header.size() & 0xFF);
    file += (char)(header.size() >> 8);
    return file + header + data;
}

static std::string read_error(const std::string& path, const SampleReadOptions& options = quiet_options()) {
    try {
        read_samples(path, options, nullptr);
    } catch (const std::runtime_error& error) {
        return error.what();
    }
    return "";
}

TEST_CASE("own data: .npy matrices (integers, booleans, floats, Fortran order) and their errors", "[formats][own]") {
    std::string path = temp_path("s.npy");
    int64_t values[6] = {-1, 1, 1, 1, -1, -1};
    write_file_atomic(path, npy_file("<i8", "(3, 2)", std::string((const char*)values, sizeof values)));
    SampleFormat format;
    Samples samples = read_samples(path, quiet_options(), &format);
    CHECK(samples.count == 3);
    CHECK(samples.n == 2);
    CHECK(samples.spins == std::vector<float>{-1, 1, 1, 1, -1, -1});
    CHECK_FALSE(format.zero_one);
    // Booleans in Fortran order: columns stored one after the other.
    write_file_atomic(path, npy_file("|b1", "(2, 3)", std::string("\0\1\1\0\0\1", 6), true));
    samples = read_samples(path, quiet_options(), &format);
    CHECK(samples.spins == std::vector<float>{-1, 1, -1, 1, -1, 1});
    CHECK(format.zero_one);
    float floats[2] = {1.0f, 0.5f};
    write_file_atomic(path, npy_file("<f4", "(1, 2)", std::string((const char*)floats, sizeof floats)));
    CHECK_THAT(read_error(path), Contains("element (1, 2) is 0.5"));
    write_file_atomic(path, npy_file(">i4", "(1, 1)", std::string(4, '\0')));
    CHECK_THAT(read_error(path), Contains("big-endian"));
    write_file_atomic(path, npy_file("<i8", "(1, 1, 1)", std::string(8, '\0')));
    CHECK_THAT(read_error(path), Contains("3 dimensions; samples need a 2-D array"));
    write_file_atomic(path, npy_file("<i8", "(2, 2)", std::string(8, '\0')));
    CHECK_THAT(read_error(path), Contains("holds 1 values, its shape needs 4"));
    write_file_atomic(path, npy_file("<U3", "(1, 1)", std::string(12, '\0')));
    CHECK_THAT(read_error(path), Contains("is not read"));
    std::remove(path.c_str());
}

TEST_CASE("own data: 3-D arrays and rasters with --unit-axis; most active spins and random rows", "[formats][own]") {
    std::string path = temp_path("s3.npy");
    // a[i0][i1][i2] = +1 where (i0 + 2 i1 + 3 i2) % 4 < 2, shape (2, 3, 4), C order.
    auto spin = [](int i0, int i1, int i2) { return (i0 + 2 * i1 + 3 * i2) % 4 < 2 ? 1 : -1; };
    int64_t values[24];
    for (int i0 = 0; i0 < 2; i0++)
        for (int i1 = 0; i1 < 3; i1++)
            for (int i2 = 0; i2 < 4; i2++) values[(i0 * 3 + i1) * 4 + i2] = spin(i0, i1, i2);
    write_file_atomic(path, npy_file("<i8", "(2, 3, 4)", std::string((const char*)values, sizeof values)));
    CHECK_THAT(read_error(path), Contains("give --unit-axis A"));
    const int dims[3] = {2, 3, 4};
    for (int axis = 1; axis <= 3; axis++) {
        SampleReadOptions options = quiet_options();
        options.unit_axis = axis;
        Samples samples = read_samples(path, options, nullptr);
        int unit = axis - 1, outer = unit == 0 ? 1 : 0, inner = unit == 2 ? 1 : 2;
        REQUIRE(samples.n == dims[unit]);
        REQUIRE(samples.count == dims[outer] * dims[inner]);
        for (int r = 0; r < samples.count; r++)
            for (int c = 0; c < samples.n; c++) {
                int index[3];
                index[outer] = r / dims[inner];
                index[inner] = r % dims[inner];
                index[unit] = c;
                INFO("axis " << axis << " row " << r << " column " << c);
                CHECK(samples.spins[(size_t)r * samples.n + c] == spin(index[0], index[1], index[2]));
            }
    }
    // A 2-D raster with the spins in rows (2 spins × 3 samples): --unit-axis 1 reads it transposed.
    int64_t raster[6] = {1, -1, 1, -1, -1, 1};
    write_file_atomic(path, npy_file("<i8", "(2, 3)", std::string((const char*)raster, sizeof raster)));
    SampleReadOptions transposed = quiet_options();
    transposed.unit_axis = 1;
    Samples samples = read_samples(path, transposed, nullptr);
    CHECK(samples.n == 2);
    CHECK(samples.spins == std::vector<float>{1, -1, -1, -1, 1, 1});
    transposed.unit_axis = 3;
    CHECK_THAT(read_error(path, transposed), Contains("has 2 axes"));
    std::string text = temp_path("s3.txt");
    write_file_atomic(text, "1 -1\n-1 1\n");
    transposed.unit_axis = 1;
    CHECK_THAT(read_error(text, transposed), Contains("--unit-axis is for .npy and .mat"));
    std::remove(text.c_str());
    std::remove(path.c_str());

    // The most active spins (ties in column order) and a seeded subset of distinct rows.
    Samples data;
    data.n = 3;
    data.count = 4;
    data.spins = {1, -1, 1, 1, 1, -1, -1, -1, 1, -1, 1, -1};  // column +1 counts: 2, 2, 2 → ties in order
    CHECK(most_active_columns(data, 2) == std::vector<int>{0, 1});
    data.spins[1] = 1;  // column 1 now has 3
    CHECK(most_active_columns(data, 3) == std::vector<int>{1, 0, 2});
    Samples picked = select_columns(data, {2, 0});
    CHECK(picked.n == 2);
    CHECK(picked.spins == std::vector<float>{1, 1, -1, 1, 1, -1, -1, -1});
    Samples rows = random_rows(data, 3, 7);
    CHECK(rows.count == 3);
    CHECK(random_rows(data, 3, 7).spins == rows.spins);
    Samples all = random_rows(data, 4, 8);  // a permutation: every row once
    std::vector<std::vector<float>> before, after;
    for (int r = 0; r < 4; r++) {
        before.emplace_back(data.spins.begin() + r * 3, data.spins.begin() + r * 3 + 3);
        after.emplace_back(all.spins.begin() + r * 3, all.spins.begin() + r * 3 + 3);
    }
    std::sort(before.begin(), before.end());
    std::sort(after.begin(), after.end());
    CHECK(before == after);
    CHECK_THROWS_AS(random_rows(data, 5, 1), std::runtime_error);
    CHECK_THROWS_AS(most_active_columns(data, 4), std::runtime_error);
}

// A MAT v5 file with one uncompressed double matrix `name` (rows × columns, column-major values).
static std::string mat_file(const std::string& name, int rows, int columns, const std::vector<double>& values) {
    auto u32 = [](std::string& out, uint32_t value) { out.append((const char*)&value, 4); };
    auto element = [&](std::string& out, uint32_t type, const std::string& data) {
        u32(out, type);
        u32(out, (uint32_t)data.size());
        out += data;
        while (out.size() % 8) out += '\0';
    };
    std::string flags, dims, data, body;
    u32(flags, 6);  // mxDOUBLE_CLASS
    u32(flags, 0);
    u32(dims, (uint32_t)rows);
    u32(dims, (uint32_t)columns);
    data.append((const char*)values.data(), values.size() * sizeof(double));
    element(body, miUINT32, flags);
    element(body, miINT32, dims);
    element(body, miINT8, name);
    element(body, miDOUBLE, data);
    std::string file = "MATLAB 5.0 MAT-file, written by tests/test_own_data.cpp";
    file.resize(116, ' ');
    file.append(8, '\0');
    file += std::string("\x00\x01IM", 4);
    u32(file, miMATRIX);
    u32(file, (uint32_t)body.size());
    return file + body;
}

TEST_CASE("own data: .mat matrices (--var), and other binary files get 'convert to text'", "[formats][own]") {
    std::string path = temp_path("s.mat");
    write_file_atomic(path, mat_file("spikes", 2, 3, {0, 1, 1, 0, 1, 1}));  // rows (0 1 1) and (1 0 1)
    SampleFormat format;
    Samples samples = read_samples(path, quiet_options(), &format);
    CHECK(samples.count == 2);
    CHECK(samples.spins == std::vector<float>{-1, 1, 1, 1, -1, 1});
    CHECK(format.zero_one);
    SampleReadOptions options = quiet_options();
    options.mat_variable = "other";
    CHECK_THAT(read_error(path, options), Contains("no variable 'other' (variables: spikes)"));
    std::string two = mat_file("a", 1, 1, {1});
    two += mat_file("b", 1, 1, {1}).substr(128);
    write_file_atomic(path, two);
    CHECK_THAT(read_error(path), Contains("choose the variable with --var NAME (variables: a (1x1), b (1x1))"));
    options.mat_variable = "b";
    CHECK(read_samples(path, options, nullptr).count == 1);
    std::string other = temp_path("s.xlsx");
    write_file_atomic(other, std::string("PK\x03\x04 rest of a zip"));
    CHECK_THAT(read_error(other), Contains(other + ": convert to text: this is a zip archive"));
    write_file_atomic(other, std::string("1 1\n\0\0", 6));
    CHECK_THAT(read_error(other), Contains("convert to text: this is a binary file"));
    std::remove(path.c_str());
    std::remove(other.c_str());
}

// E(σ) of Eq. (2) and E(s) in the 0/1 gauge, for a state given as bits.
static double energy_pm1(const IsingParams& p, unsigned state) {
    double energy = 0.0;
    for (int i = 0; i < p.n; i++) {
        double si = (state >> i & 1) ? 1.0 : -1.0;
        energy -= p.bias[i] * si;
        for (int j = i + 1; j < p.n; j++) energy -= p.coupling[i * p.n + j] * si * ((state >> j & 1) ? 1.0 : -1.0);
    }
    return energy;
}
static double energy_01(const IsingParams& p, unsigned state) {
    double energy = 0.0;
    for (int i = 0; i < p.n; i++) {
        double si = state >> i & 1;
        energy -= p.bias[i] * si;
        for (int j = i + 1; j < p.n; j++) energy -= p.coupling[i * p.n + j] * si * (state >> j & 1);
    }
    return energy;
}

TEST_CASE("own data: the 0/1 gauge gives the same energies up to a constant, and reads back as ±1", "[formats][own]") {
    Rng rng;
    rng_seed(&rng, 12, 0);
    IsingParams pm1 = draw_sk_params(6, 1.0, &rng);
    IsingParams zero_one = params_to_zero_one(pm1);
    double offset = energy_pm1(pm1, 0) - energy_01(zero_one, 0);
    for (unsigned state = 0; state < 64; state++)
        CHECK(energy_pm1(pm1, state) - energy_01(zero_one, state) == Approx(offset).margin(1e-12));
    CHECK(zero_one.coupling[1] == 4 * pm1.coupling[1]);
    // Written with the gauge mark in its comment line, a file reads back in the ±1 gauge.
    std::string path = temp_path("p01.txt");
    write_params(path, zero_one, std::string("repro infer: test, ") + ZERO_ONE_GAUGE_MARK);
    CHECK(read_file(path).compare(0, 2, "# ") == 0);
    IsingParams back = read_params(path);
    for (int i = 0; i < 6; i++) CHECK(back.bias[i] == Approx(pm1.bias[i]).margin(1e-14));
    CHECK(back.coupling == pm1.coupling);  // ×4 then ÷4 is exact
    // A comment line without the mark changes nothing; the parser skips it.
    write_params(path, pm1, "repro infer: method erasure, eps 0.5, gauge -1/+1");
    CHECK(read_params(path).bias == pm1.bias);
    std::remove(path.c_str());
    CHECK_THROWS_WITH(write_params(path, pm1, "two\nlines"), Contains("comment has a newline"));
}

TEST_CASE("own data: the moments exact MLE fits are those of the repeated rows", "[formats][own]") {
    Samples weighted = parse_samples("1 1 -1\n-1 1 1\n1 -1 -1\n-1 -1 1\n", "s.txt", true);
    weighted.weight = {3, 1, 2, 2};
    Samples expanded = parse_samples("1 1 -1\n1 1 -1\n1 1 -1\n-1 1 1\n1 -1 -1\n1 -1 -1\n-1 -1 1\n-1 -1 1\n", "s.txt", true);
    Moments a = sample_moments(weighted), b = sample_moments(expanded);
    CHECK(a.mean == b.mean);
    CHECK(a.correlation == b.correlation);
}

TEST_CASE("own data: a path that is not a regular file (a named pipe) is refused, not written into", "[formats][own]") {
    // Issue 27 case 3: writing into a FIFO hangs without a reader and feeds whoever reads it; '-' is standard output.
    std::string fifo = temp_path("pipe");
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    Samples samples = parse_samples("1 -1\n", "s.txt", true);
    CHECK_THROWS_WITH(write_samples(fifo, samples), Catch::Matchers::Contains("is a FIFO (named pipe), not a regular file"));
    struct stat info;
    REQUIRE(stat(fifo.c_str(), &info) == 0);
    CHECK(S_ISFIFO(info.st_mode));
    std::remove(fifo.c_str());
}
