// Retina loader: the embedded recording against the statistics verified independently with numpy/scipy
// (data/retina/README.md), the raster layout against the MAT variable itself, and the seeded shuffle and train/test
// split. The recording is committed and the Makefile always embeds it, so a build without it fails these tests
// instead of skipping them.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unistd.h>

#include "../data/atomic_file.h"
#include "../data/mat5.h"
#include "../data/retina.h"
#include "../data/subset.h"

// Loaded once for all test cases (about 0.3 s).
static const RetinaRaster* embedded_raster() {
    if (!retina_embedded()) return nullptr;
    static const RetinaRaster raster = retina_load("");
    return &raster;
}

#define REQUIRE_EMBEDDED_RASTER(raster)             \
    const RetinaRaster* raster = embedded_raster(); \
    REQUIRE(raster != nullptr)

TEST_CASE("retina: shape, ones and spike probabilities match the provenance notes", "[retina]") {
    REQUIRE_EMBEDDED_RASTER(raster);
    CHECK(raster->neurons == 160);
    CHECK(raster->repeats == 297);
    CHECK(raster->bins_per_repeat == 953);
    CHECK(raster->bins == 283041);
    REQUIRE(raster->spikes.size() == (size_t)160 * 283041);
    std::vector<long> counts = retina_spike_counts(*raster);
    long ones = 0;
    for (long count : counts) ones += count;
    CHECK(ones == 1622436);
    CHECK(std::round((double)ones / (160.0 * 283041) * 1e6) == 35826);  // 0.035826
    std::vector<double> rates = retina_spike_rates(*raster);
    CHECK(*std::min_element(rates.begin(), rates.end()) == Approx(0.00109).margin(5e-6));
    CHECK(*std::max_element(rates.begin(), rates.end()) == Approx(0.1625).margin(5e-5));
    std::vector<double> sorted = rates;
    std::sort(sorted.begin(), sorted.end());
    CHECK(0.5 * (sorted[79] + sorted[80]) == Approx(0.0281).margin(5e-5));  // median
}

TEST_CASE("retina: the 40 most active neurons and their rates match the provenance notes", "[retina]") {
    REQUIRE_EMBEDDED_RASTER(raster);
    const std::vector<int> expected = {51, 33, 64, 71,  19, 141, 21,  105, 24,  91, 69,  7,   156, 121,
                                       28, 114, 40, 125, 142, 108, 139, 115, 29,  143, 118, 126, 66, 53,
                                       10, 70,  99, 127, 44,  82,  39,  49,  20,  55,  36,  122};
    const std::vector<double> expected_rates = {
        .1625, .1345, .1320, .1315, .1174, .1150, .1122, .1016, .0952, .0882, .0861, .0802, .0751, .0693,
        .0691, .0686, .0681, .0663, .0662, .0635, .0623, .0620, .0620, .0620, .0582, .0581, .0572, .0570,
        .0553, .0519, .0514, .0513, .0513, .0509, .0504, .0497, .0496, .0489, .0481, .0479};
    std::vector<int> most_active = retina_most_active(*raster, 40);
    CHECK(most_active == expected);
    std::vector<double> rates = retina_spike_rates(*raster);
    double sum = 0;
    for (int rank = 0; rank < 40; rank++) {
        INFO("rank " << rank << " neuron " << most_active[rank]);
        CHECK(rates[most_active[rank]] == Approx(expected_rates[rank]).margin(5e-5));
        sum += rates[most_active[rank]];
    }
    CHECK(sum / 40 == Approx(0.0747).margin(5e-5));
    // Sorted by count, ties by index: a shorter list is a prefix of the longer one.
    std::vector<int> top_five = retina_most_active(*raster, 5);
    CHECK(std::equal(top_five.begin(), top_five.end(), expected.begin()));
    CHECK_THROWS_AS(retina_most_active(*raster, 161), std::runtime_error);
}

TEST_CASE("retina: population counts match the provenance notes", "[retina]") {
    REQUIRE_EMBEDDED_RASTER(raster);
    PopulationCounts counts = retina_population_counts(*raster, retina_all_neurons(*raster));
    CHECK(counts.mean == Approx(5.73).margin(0.005));
    CHECK(counts.max == 45);
    CHECK(counts.probability_silent == Approx(0.210).margin(0.0005));
    REQUIRE(counts.histogram.size() == 161);
    long total = 0;
    for (long bins : counts.histogram) total += bins;
    CHECK(total == raster->bins);
}

TEST_CASE("retina: raster layout is X[n, r*953 + t] = bint[r, n, t]", "[retina]") {
    REQUIRE_EMBEDDED_RASTER(raster);
    std::vector<MatArray> arrays = mat5_read(retina_mat_data, retina_mat_size, "embedded");
    const MatArray& bint = mat5_find(arrays, "bint", "embedded");
    Rng rng;
    rng_seed(&rng, 7);
    int ones_seen = 0;
    for (int check = 0; check < 20000; check++) {
        size_t r = rng_below(&rng, 297), n = rng_below(&rng, 160), t = rng_below(&rng, 953);
        double value = mat5_value(bint, r + 297 * (n + 160 * t));  // column-major
        ones_seen += value == 1;
        REQUIRE(raster->spikes[n * raster->bins + r * 953 + t] == value);
    }
    CHECK(ones_seen > 300);  // about 3.6 % of 20000: the check saw spikes, not only silence
}

TEST_CASE("retina: seeded shuffle and train/test split", "[retina]") {
    REQUIRE_EMBEDDED_RASTER(raster);
    std::vector<int> neurons = retina_most_active(*raster, 40);
    Rng rng;
    rng_seed(&rng, 3);
    RetinaSplit split = retina_split(*raster, neurons, 8000, 1000, &rng);
    REQUIRE(split.train.count == 8000);
    REQUIRE(split.test.count == 1000);
    CHECK(split.train.n == 40);
    CHECK(split.test.n == 40);
    // Distinct bins, no overlap between train and test.
    std::set<long> bins(split.train_bins.begin(), split.train_bins.end());
    bins.insert(split.test_bins.begin(), split.test_bins.end());
    CHECK(bins.size() == 9000);
    // σ = 2·bint − 1 at the right place.
    double mean_spin = 0;
    for (int m = 0; m < 1000; m++)
        for (int i = 0; i < 40; i++) {
            float spin = split.test.spins[(size_t)m * 40 + i];
            uint8_t spike = raster->spikes[(size_t)neurons[i] * raster->bins + split.test_bins[m]];
            REQUIRE(spin == (spike ? 1.0f : -1.0f));
            mean_spin += spin;
        }
    // A spin is up with probability 0.0747 on average over the 40: mean spin about 2·0.0747 − 1 = −0.85.
    CHECK(mean_spin / 40000 == Approx(-0.85).margin(0.02));
    // Same seed, same split; another seed, another split.
    Rng again;
    rng_seed(&again, 3);
    CHECK(retina_split(*raster, neurons, 8000, 1000, &again).test_bins == split.test_bins);
    Rng other;
    rng_seed(&other, 4);
    CHECK(retina_split(*raster, neurons, 8000, 1000, &other).test_bins != split.test_bins);
    CHECK_THROWS_AS(retina_split(*raster, neurons, 283041, 1, &rng), std::runtime_error);
}

TEST_CASE("retina: the shuffle is a uniform permutation", "[retina]") {
    // A tiny raster: 2 neurons × 4 bins. Every one of the 24 orders should appear about equally often.
    RetinaRaster raster;
    raster.neurons = 2;
    raster.repeats = 1;
    raster.bins_per_repeat = 4;
    raster.bins = 4;
    raster.spikes = {0, 1, 0, 1, 1, 1, 0, 0};
    Rng rng;
    rng_seed(&rng, 11);
    std::map<std::vector<long>, int> seen;
    const int draws = 24000;
    for (int d = 0; d < draws; d++) seen[retina_shuffled_bins(raster, &rng)]++;
    CHECK(seen.size() == 24);
    for (const auto& entry : seen) CHECK(std::abs(entry.second - 1000) < 150);  // ~4.9 sd of a binomial
    Samples samples = retina_samples(raster, {1, 0}, {3, 1});
    CHECK(samples.spins == std::vector<float>{-1, 1, 1, 1});  // bin 3: neuron 1 silent, neuron 0 spikes; bin 1: both
    PopulationCounts counts = retina_population_counts(raster, {0, 1});
    CHECK(counts.histogram == std::vector<long>{1, 2, 1});
    CHECK(counts.mean == 1.0);
}

TEST_CASE("retina: the .mat read as samples with --unit-axis 2 is the raster, and its most active spins are fig6's", "[retina][own]") {
    REQUIRE_EMBEDDED_RASTER(raster);
    SampleReadOptions options;
    options.quiet = true;
    options.unit_axis = 2;  // bint is repeat × neuron × bin
    // The embedded copy through a file, as a user's recording would arrive.
    std::string path = "/tmp/repro_test_retina_" + std::to_string(getpid()) + ".mat";
    write_file_atomic(path, std::string((const char*)retina_mat_data, retina_mat_size));
    Samples samples = read_samples(path, options, nullptr);
    std::remove(path.c_str());
    REQUIRE(samples.n == raster->neurons);
    REQUIRE(samples.count == raster->bins);
    for (long bin : {0L, 1L, 952L, 953L, 100000L, raster->bins - 1})
        for (int neuron = 0; neuron < raster->neurons; neuron++) {
            INFO("bin " << bin << " neuron " << neuron);
            CHECK(samples.spins[(size_t)bin * samples.n + neuron] == (raster->spikes[(size_t)neuron * raster->bins + bin] ? 1.0f : -1.0f));
        }
    CHECK(most_active_columns(samples, 40) == retina_most_active(*raster, 40));
}
