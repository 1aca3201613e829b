// MAT v5 reader tests, built and run under AddressSanitizer/UBSan (build/run_tests_asan).
// The MAT-files are written here, in memory, by a tiny writer that follows the format description
// (MathWorks, "MAT-File Format", Version 5): header, miMATRIX elements, optionally wrapped in miCOMPRESSED.
// Then damaged copies (truncated at every offset, bit flips, hostile sizes, wrong headers) must each end in a
// std::runtime_error with a clear message; the sanitizers turn any out-of-bounds read or UB into a failure.
#include <catch2/catch.hpp>

#include <zlib.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "../data/atomic_file.h"
#include "../data/mat5.h"
#include "../data/retina.h"

using Catch::Matchers::Contains;

// ---- a tiny MAT v5 writer (bytes appended to a std::string, little-endian) ----

static void put_u16(std::string& out, uint16_t value) {
    out += (char)(value & 0xFF);
    out += (char)(value >> 8);
}
static void put_u32(std::string& out, uint32_t value) {
    for (int i = 0; i < 4; i++) out += (char)((value >> (8 * i)) & 0xFF);
}
static void pad8(std::string& out) {
    while (out.size() % 8) out += '\0';
}
// A sub-element: tag + data + padding; small-element format when allowed and the data fits in 4 bytes.
static void put_element(std::string& out, uint32_t type, const std::string& data, bool allow_small = true) {
    if (allow_small && data.size() <= 4 && !data.empty()) {
        put_u32(out, ((uint32_t)data.size() << 16) | type);
        std::string inline_data = data;
        inline_data.resize(4, '\0');
        out += inline_data;
        return;
    }
    put_u32(out, type);
    put_u32(out, (uint32_t)data.size());
    out += data;
    pad8(out);
}

static std::string mat_header(const char* text = "MATLAB 5.0 MAT-file, written by tests/asan_mat5.cpp",
                              uint16_t version = 0x0100, const char* endian = "IM") {
    std::string header(text);
    header.resize(116, ' ');
    header.append(8, '\0');  // subsystem data offset
    put_u16(header, version);
    header += endian;
    return header;
}

// The data of an miMATRIX (flags, dims, name, real part). `real` holds the stored bytes of the real part.
static std::string matrix_data(const std::string& name, int class_id, const std::vector<int32_t>& dims,
                               uint32_t stored_type, const std::string& real, uint32_t extra_flags = 0) {
    std::string out, flags, dims_bytes;
    put_u32(flags, (uint32_t)class_id | extra_flags);
    put_u32(flags, 0);
    put_element(out, miUINT32, flags, false);
    for (int32_t dim : dims) put_u32(dims_bytes, (uint32_t)dim);
    put_element(out, miINT32, dims_bytes, false);
    put_element(out, miINT8, name);
    put_element(out, stored_type, real);
    return out;
}

static std::string matrix_element(const std::string& data) {
    std::string out;
    put_u32(out, miMATRIX);
    put_u32(out, (uint32_t)data.size());
    return out + data;
}

// miCOMPRESSED element holding `inner` (a whole element, tag included), zlib level 6 as MATLAB uses.
static std::string compressed_element(const std::string& inner) {
    std::vector<unsigned char> buffer(compressBound(inner.size()));
    uLongf length = buffer.size();
    REQUIRE(compress2(buffer.data(), &length, (const Bytef*)inner.data(), inner.size(), 6) == Z_OK);
    std::string out;
    put_u32(out, miCOMPRESSED);
    put_u32(out, (uint32_t)length);
    out.append((const char*)buffer.data(), length);
    return out;
}

// Stored bytes of `values` in type T.
template <typename T>
static std::string stored(const std::vector<double>& values) {
    std::string out;
    for (double value : values) {
        T converted = (T)value;
        char bytes[sizeof(T)];
        std::memcpy(bytes, &converted, sizeof(T));  // the test host is little-endian like the format
        out.append(bytes, sizeof(T));
    }
    return out;
}

static std::vector<MatArray> parse(const std::string& file) { return mat5_read(file.data(), file.size(), "test.mat"); }

// The message of the std::runtime_error that parsing throws; "" if it parses. Other exception types propagate
// (and fail the test): every bad input must be a runtime_error.
static std::string error_of(const std::string& file) {
    try {
        parse(file);
    } catch (const std::runtime_error& error) {
        return error.what();
    }
    return "";
}

// A 2 x 3 x 2 double array stored in a narrower type, as MATLAB does: the reference file of the damage tests.
static const std::vector<double> small_values = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
static std::string reference_file(bool compressed) {
    std::string element = matrix_element(matrix_data("spikes", 6, {2, 3, 2}, miUINT8, stored<uint8_t>(small_values)));
    return mat_header() + (compressed ? compressed_element(element) : element);
}

TEST_CASE("mat5: every numeric stored type reads back, compressed or not", "[mat5]") {
    const std::vector<double> values = {0, 1, -2, 3, 100, -77, 5, 6};  // 2 x 4, column-major
    struct Case {
        uint32_t type;
        std::string bytes;
        std::vector<double> expected;
    };
    std::vector<double> unsigned_values = {0, 1, 2, 3, 100, 77, 5, 200};
    std::vector<double> fractional = {0.5, -1.25, 3e10, -7, 1e-3, 2, 1.0 / 3.0, -0.0};
    std::vector<Case> cases = {
        {miINT8, stored<int8_t>(values), values},
        {miUINT8, stored<uint8_t>(unsigned_values), unsigned_values},
        {miINT16, stored<int16_t>(values), values},
        {miUINT16, stored<uint16_t>(unsigned_values), unsigned_values},
        {miINT32, stored<int32_t>(values), values},
        {miUINT32, stored<uint32_t>(unsigned_values), unsigned_values},
        {miINT64, stored<int64_t>(values), values},
        {miUINT64, stored<uint64_t>(unsigned_values), unsigned_values},
        {miSINGLE, stored<float>({0.5, -1.25, 3e10, -7, 1e-3, 2, 1.0 / 3.0, -0.0}), {}},
        {miDOUBLE, stored<double>(fractional), fractional},
    };
    for (Case& test : cases) {
        if (test.type == miSINGLE)
            for (double value : fractional) test.expected.push_back((double)(float)value);
        for (bool compressed : {false, true}) {
            std::string element = matrix_element(matrix_data("variable_name", 6, {2, 4}, test.type, test.bytes));
            std::string file = mat_header() + (compressed ? compressed_element(element) : element);
            std::vector<MatArray> arrays = parse(file);
            REQUIRE(arrays.size() == 1);
            const MatArray& array = mat5_find(arrays, "variable_name", "test.mat");
            INFO("type " << test.type << " compressed " << compressed);
            CHECK(array.stored_type == (int)test.type);
            CHECK(array.class_id == 6);
            CHECK(array.dims == std::vector<size_t>{2, 4});
            CHECK(array.count == 8);
            CHECK(mat5_double_values(array) == test.expected);
            CHECK(mat5_value(array, 3) == test.expected[3]);
        }
    }
}

TEST_CASE("mat5: small-element format, 3-D arrays, empty arrays, several variables", "[mat5]") {
    // "ab" is a 2-byte name and a 1 x 2 uint16 real part is 4 bytes: both in small-element format.
    std::string small = matrix_element(matrix_data("ab", 11, {1, 2}, miUINT16, stored<uint16_t>({7, 65535})));
    std::string cube = matrix_element(matrix_data("spikes", 6, {2, 3, 2}, miUINT8, stored<uint8_t>(small_values)));
    std::string empty = matrix_element(matrix_data("nothing", 6, {0, 5}, miDOUBLE, ""));
    std::string structure = matrix_element(matrix_data("s", 2, {1, 1}, miINT8, ""));
    std::string file = mat_header() + small + compressed_element(cube) + empty + compressed_element(structure);
    std::vector<MatArray> arrays = parse(file);
    REQUIRE(arrays.size() == 4);
    CHECK(mat5_double_values(mat5_find(arrays, "ab", "t")) == std::vector<double>{7, 65535});
    const MatArray& spikes = mat5_find(arrays, "spikes", "t");
    CHECK(spikes.dims == std::vector<size_t>{2, 3, 2});
    // Column-major: element (i, j, k) at i + 2*(j + 3*k); value (1, 2, 1) is 1 + 2*(2 + 3) = 11.
    CHECK(mat5_value(spikes, 1 + 2 * (2 + 3 * 1)) == 11);
    CHECK(mat5_find(arrays, "nothing", "t").count == 0);
    CHECK_THROWS_WITH(mat5_find(arrays, "s", "t"), Contains("struct"));
    CHECK_THROWS_WITH(mat5_find(arrays, "missing", "t"), Contains("ab, spikes, nothing, s"));
    CHECK_THROWS_AS(mat5_value(spikes, 12), std::runtime_error);
}

TEST_CASE("mat5: binary values are checked to be 0 or 1", "[mat5]") {
    std::string file = mat_header() +
                       matrix_element(matrix_data("ok", 6, {2, 2}, miDOUBLE, stored<double>({0, 1, 1, 0}))) +
                       matrix_element(matrix_data("two", 6, {2, 2}, miUINT8, stored<uint8_t>({0, 1, 2, 0}))) +
                       matrix_element(matrix_data("nan", 6, {1, 2}, miDOUBLE, stored<double>({NAN, 0}))) +
                       matrix_element(matrix_data("half", 6, {1, 2}, miSINGLE, stored<float>({1, 0.5})));
    std::vector<MatArray> arrays = parse(file);
    CHECK(mat5_binary_values(mat5_find(arrays, "ok", "t"), "t") == std::vector<uint8_t>{0, 1, 1, 0});
    CHECK_THROWS_WITH(mat5_binary_values(mat5_find(arrays, "two", "t"), "t"), Contains("two(1,2) is 2"));
    CHECK_THROWS_WITH(mat5_binary_values(mat5_find(arrays, "nan", "t"), "t"), Contains("nan(1,1) is nan"));
    CHECK_THROWS_WITH(mat5_binary_values(mat5_find(arrays, "half", "t"), "t"), Contains("half(1,2) is 0.5"));
}

TEST_CASE("mat5: wrong headers give clear errors", "[mat5]") {
    std::string body = reference_file(false).substr(128);
    CHECK(error_of(reference_file(false)) == "");
    CHECK_THAT(error_of(""), Contains("too short"));
    CHECK_THAT(error_of(reference_file(false).substr(0, 127)), Contains("too short"));
    CHECK_THAT(error_of(mat_header("MATLAB 7.3 MAT-file, Platform: GLNXA64, HDF5 schema 1.00 .", 0x0200) + body),
               Contains("MATLAB v7.3 (HDF5) files are not supported; save with -v7"));
    std::string hdf5 = "\x89HDF\r\n\x1a\n" + std::string(600, '\0');
    CHECK_THAT(error_of(hdf5), Contains("v7.3"));
    CHECK_THAT(error_of(mat_header("MATLAB 5.0 MAT-file", 0x0001, "MI") + body), Contains("big-endian"));
    CHECK_THAT(error_of(mat_header("not a mat file") + body), Contains("not a MATLAB v5 MAT-file"));
    CHECK_THAT(error_of(mat_header("MATLAB 5.0 MAT-file", 0x0100, "XX") + body), Contains("not a MATLAB v5"));
    CHECK_THAT(error_of(mat_header("MATLAB 5.0 MAT-file", 0x0300) + body), Contains("version"));
    CHECK_THAT(error_of(std::string(4096, '\0')), Contains("not a MATLAB v5"));  // e.g. a v4 file
}

TEST_CASE("mat5: a file truncated anywhere fails with an error", "[mat5]") {
    for (bool compressed : {false, true}) {
        std::string file = reference_file(compressed);
        REQUIRE(parse(file).size() == 1);
        // The header alone is a valid MAT-file with no variables (MATLAB writes one for `save f` in an empty
        // workspace); every other prefix is an error.
        CHECK(parse(file.substr(0, 128)).empty());
        for (size_t length = 0; length < file.size(); length++) {
            if (length == 128) continue;
            INFO("compressed " << compressed << ", truncated to " << length << " of " << file.size() << " bytes");
            CHECK(error_of(file.substr(0, length)) != "");
        }
    }
    CHECK_THAT(error_of(reference_file(true).substr(0, reference_file(true).size() - 3)), Contains("left"));
}

TEST_CASE("mat5: bit flips never crash; in the zlib stream they are caught", "[mat5]") {
    for (bool compressed : {false, true}) {
        std::string file = reference_file(compressed);
        int errors = 0, unchanged = 0, flips = 0;
        for (size_t byte = 0; byte < file.size(); byte++) {
            for (int bit = 0; bit < 8; bit++) {
                std::string damaged = file;
                damaged[byte] = (char)(damaged[byte] ^ (1 << bit));
                flips++;
                std::vector<MatArray> arrays;
                try {
                    arrays = parse(damaged);
                } catch (const std::runtime_error&) {
                    errors++;
                    continue;
                }
                // A flip that parses must have hit a byte that carries no information (header text, padding,
                // unused deflate bits) or changed one header field or value in a way that is still well-formed.
                if (arrays.size() == 1 && arrays[0].data == parse(file)[0].data) unchanged++;
                if (compressed && byte >= 136) {
                    // Inside the zlib stream the Adler-32 check catches any change of the inflated data.
                    INFO("compressed stream byte " << byte << " bit " << bit);
                    CHECK(arrays.size() == 1);
                    CHECK(arrays[0].data == parse(file)[0].data);
                    CHECK(arrays[0].name == "spikes");
                }
            }
        }
        INFO("compressed " << compressed << ": " << errors << " errors, " << unchanged << " unchanged of " << flips);
        CHECK(errors > 0);
    }
}

TEST_CASE("mat5: hostile sizes are refused before anything is allocated", "[mat5]") {
    std::string real = stored<uint8_t>({1, 0});
    // Huge dimensions: the real part would need 4.6e18 bytes.
    CHECK_THAT(error_of(mat_header() + matrix_element(matrix_data("x", 6, {2147483647, 2147483647}, miUINT8, real))),
               Contains("real part"));
    // The product of dimensions overflows 64 bits.
    std::vector<int32_t> overflowing(5, 2147483647);
    CHECK_THAT(error_of(mat_header() + matrix_element(matrix_data("x", 6, overflowing, miUINT8, real))),
               Contains("overflow"));
    CHECK_THAT(error_of(mat_header() + matrix_element(matrix_data("x", 6, {-1, 2}, miUINT8, real))),
               Contains("negative dimension"));
    CHECK_THAT(error_of(mat_header() + matrix_element(matrix_data("x", 6, {1}, miUINT8, real))),
               Contains("dimensions"));
    CHECK_THAT(error_of(mat_header() + matrix_element(matrix_data("x", 6, {3, 1}, miUINT8, real))),
               Contains("real part"));
    CHECK_THAT(error_of(mat_header() + matrix_element(matrix_data("x", 6, {1, 2}, miMATRIX, real))),
               Contains("non-numeric"));

    // A top-level tag claiming 4 GiB.
    std::string claim_too_much = mat_header();
    put_u32(claim_too_much, miMATRIX);
    put_u32(claim_too_much, 0xFFFFFFFFu);
    claim_too_much += std::string(64, '\0');
    CHECK_THAT(error_of(claim_too_much), Contains("claims 4294967295 bytes"));
    // A sub-element tag claiming more than its matrix holds.
    std::string data = matrix_data("x", 6, {1, 2}, miUINT8, real);
    std::string bad_sub = data;
    bad_sub[4] = (char)0x7F;  // array-flags size 8 -> 127
    CHECK_THAT(error_of(mat_header() + matrix_element(bad_sub)), Contains("left"));
    // A small-element tag claiming more than 4 bytes.
    std::string bad_small = mat_header();
    put_u32(bad_small, (7u << 16) | miMATRIX);
    put_u32(bad_small, 0);
    CHECK_THAT(error_of(bad_small), Contains("small-element"));
    // Not a matrix at the top level.
    std::string stray = mat_header();
    put_element(stray, miDOUBLE, stored<double>({1, 2}), false);
    CHECK_THAT(error_of(stray), Contains("unexpected top-level element"));

    // A compressed element whose inner tag claims 4 GiB (or just more than deflate can encode from its input).
    std::string huge_inner;
    put_u32(huge_inner, miMATRIX);
    put_u32(huge_inner, 0xFFFFFFF0u);
    CHECK_THAT(error_of(mat_header() + compressed_element(huge_inner)), Contains("more than the limit of 1073741824 bytes"));
    std::string big_inner;
    put_u32(big_inner, miMATRIX);
    put_u32(big_inner, 100000000u);
    CHECK_THAT(error_of(mat_header() + compressed_element(big_inner)), Contains("more than zlib can encode"));
    // Inner tag claiming more, or fewer, bytes than the stream inflates to.
    std::string inner = matrix_element(data);
    std::string longer = inner, shorter = inner;
    longer[4] = (char)(longer[4] + 8);
    shorter[4] = (char)(shorter[4] - 8);
    CHECK_THAT(error_of(mat_header() + compressed_element(longer)), Contains("inflates to"));
    CHECK_THAT(error_of(mat_header() + compressed_element(shorter)), Contains("inflates to more than"));
    // A compressed element holding something that is not a matrix.
    std::string not_matrix;
    put_element(not_matrix, miDOUBLE, stored<double>({1}), false);
    CHECK_THAT(error_of(mat_header() + compressed_element(not_matrix)), Contains("expected miMATRIX"));
    // Garbage instead of a zlib stream, and stray bytes after a good one.
    std::string garbage = mat_header();
    put_u32(garbage, miCOMPRESSED);
    put_u32(garbage, 16);
    garbage += "0123456789abcdef";
    CHECK_THAT(error_of(garbage), Contains("zlib"));
    std::string with_stray = mat_header() + compressed_element(inner);
    uint32_t stream_size = (uint8_t)with_stray[132] | ((uint8_t)with_stray[133] << 8);
    stream_size += 3;
    with_stray[132] = (char)(stream_size & 0xFF);
    with_stray[133] = (char)(stream_size >> 8);
    with_stray += "xyz";
    CHECK_THAT(error_of(with_stray), Contains("stray bytes"));
    // A matrix element of a class the reader does not know, and a complex one: listed, not readable.
    std::vector<MatArray> odd = parse(mat_header() + matrix_element(matrix_data("c", 6, {1, 2}, miUINT8, real, 0x800)));
    CHECK_THROWS_WITH(mat5_find(odd, "c", "t"), Contains("complex"));
}

TEST_CASE("mat5: the embedded retina recording parses under the sanitizers", "[mat5]") {
    REQUIRE(retina_mat_size > 0);  // the Makefile embeds data/retina/bint_fishmovie32_100.mat (committed)
    std::vector<MatArray> arrays = mat5_read(retina_mat_data, retina_mat_size, "embedded");
    const MatArray& bint = mat5_find(arrays, "bint", "embedded");
    CHECK(bint.dims == std::vector<size_t>{297, 160, 953});
    CHECK(bint.stored_type == miUINT8);
    size_t ones = 0;
    for (uint8_t value : bint.data) ones += value;
    CHECK(ones == 1622436);
}

TEST_CASE("retina: the loader checks the variable's name, shape and values", "[mat5][retina]") {
    auto load = [](const std::string& file) { return retina_from_mat(file.data(), file.size(), "r.mat"); };
    std::string values(297 * 160 * 953, '\0');
    values[1 + 297 * (2 + 160 * 3)] = 1;  // bint(2,3,4) in MATLAB's 1-based subscripts
    std::string good = mat_header() + matrix_element(matrix_data("bint", 6, {297, 160, 953}, miUINT8, values));
    RetinaRaster raster = load(good);
    CHECK(raster.bins == 283041);
    long ones = 0;
    for (uint8_t spike : raster.spikes) ones += spike;
    CHECK(ones == 1);
    CHECK(raster.spikes[(size_t)2 * 283041 + 1 * 953 + 3] == 1);  // X[n, r*953 + t] = bint[r, n, t]
    std::string two = values;
    two[5] = 2;
    CHECK_THROWS_WITH(load(mat_header() + matrix_element(matrix_data("bint", 6, {297, 160, 953}, miUINT8, two))),
                      Contains("bint(6,1,1) is 2; expected only 0 and 1"));
    CHECK_THROWS_WITH(load(mat_header() + matrix_element(matrix_data("bint", 6, {160, 297, 953}, miUINT8, values))),
                      Contains("expected 297 x 160 x 953"));
    std::string other = matrix_element(matrix_data("spikes", 6, {2, 1}, miUINT8, std::string("\1\0", 2)));
    CHECK_THROWS_WITH(load(mat_header() + other), Contains("no variable 'bint' (variables: spikes)"));
    // An array of a class the reader does not know: its layout is unknown, so its name is not read; the message
    // says so instead of "variables: none".
    std::string unknown = matrix_element(matrix_data("bint", 99, {297, 160, 953}, miUINT8, values));
    CHECK_THROWS_WITH(load(mat_header() + unknown),
                      Contains("variables: an unreadable array: an array of unknown class (class id 99)") &&
                          Contains("may be one of the unreadable arrays"));
}

TEST_CASE("mat5: --max-input-bytes bounds the inflated size of a compressed element, not only the file", "[mat5]") {
    // Issue 27 case 6: a few kB that inflate to 1 MB pass a 100 kB limit on the file's size; the inflated size counts.
    std::string zeros(1000 * 1000, '\0');
    std::string file = mat_header() +
                       compressed_element(matrix_element(matrix_data("big", 6, {1000, 1000}, miUINT8, zeros)));
    REQUIRE(file.size() < 100000);
    set_max_input_bytes(100000);
    std::string message = error_of(file);
    set_max_input_bytes(DEFAULT_MAX_INPUT_BYTES);
    CHECK_THAT(message, Contains("more than the limit of 100000 bytes (--max-input-bytes raises it"));
    CHECK(error_of(file).empty());  // under the default limit it reads
}
