// Salamander retina loader and the statistics and splits built on it (see retina.h).
#include "retina.h"

#include <algorithm>
#include <stdexcept>

#include "atomic_file.h"
#include "mat5.h"

// Layout of bint in the published file (data/retina/README.md): repeat × neuron × bin.
static const int retina_repeats = 297, retina_neurons = 160, retina_bins_per_repeat = 953;

bool retina_embedded() { return retina_mat_size > 0; }

RetinaRaster retina_load(const std::string& data_path) {
    if (!data_path.empty()) {
        std::string bytes = read_file(data_path);
        return retina_from_mat(bytes.data(), bytes.size(), data_path);
    }
    if (!retina_embedded())
        throw std::runtime_error(
            "no retina data: this binary has no embedded copy and no --data PATH was given.\n"
            "  The recording is bint_fishmovie32_100.mat from Marre et al. (2017), IST Austria,\n"
            "  https://doi.org/10.15479/AT:ISTA:61 . Put it at data/retina/bint_fishmovie32_100.mat and rebuild\n"
            "  (make embeds it into ./repro), or pass --data PATH/TO/bint_fishmovie32_100.mat.");
    return retina_from_mat(retina_mat_data, retina_mat_size, "embedded copy of bint_fishmovie32_100.mat");
}

RetinaRaster retina_from_mat(const void* bytes, size_t size, const std::string& name_for_errors) {
    RetinaRaster raster;
    raster.source = name_for_errors;
    const std::vector<size_t> expected_dims = {(size_t)retina_repeats, (size_t)retina_neurons,
                                               (size_t)retina_bins_per_repeat};
    // Memory: the parsed variable is dropped at the end of this block, before the raster is allocated, so at most
    // two 45 MB buffers are alive at once (variable + 0/1 copy, then 0/1 copy + raster).
    std::vector<uint8_t> values;
    {
        std::vector<MatArray> arrays = mat5_read(bytes, size, name_for_errors);
        const MatArray& bint = mat5_find(arrays, "bint", name_for_errors);
        if (bint.dims != expected_dims) {
            std::string dims;
            for (size_t d : bint.dims) dims += (dims.empty() ? "" : " x ") + std::to_string(d);
            throw std::runtime_error(name_for_errors + ": variable bint is " + dims +
                                     ", expected 297 x 160 x 953 (repeat x neuron x 20 ms bin)");
        }
        // mat5_binary_values checks that every value is 0 or 1 (and converts from any stored type).
        values = mat5_binary_values(bint, name_for_errors);
    }
    raster.repeats = retina_repeats;
    raster.neurons = retina_neurons;
    raster.bins_per_repeat = retina_bins_per_repeat;
    raster.bins = (long)retina_repeats * retina_bins_per_repeat;
    raster.spikes.assign((size_t)raster.neurons * raster.bins, 0);
    // bint is column-major: bint[r, n, t] is element r + 297·(n + 160·t). Reading it in that order keeps the reads
    // sequential; X[n, r·953 + t] = bint[r, n, t].
    size_t index = 0;
    for (int t = 0; t < raster.bins_per_repeat; t++)
        for (int n = 0; n < raster.neurons; n++)
            for (int r = 0; r < raster.repeats; r++)
                raster.spikes[(size_t)n * raster.bins + (size_t)r * raster.bins_per_repeat + t] = values[index++];
    return raster;
}

std::vector<long> retina_spike_counts(const RetinaRaster& raster) {
    std::vector<long> counts(raster.neurons, 0);
    for (int n = 0; n < raster.neurons; n++) {
        const uint8_t* row = raster.spikes.data() + (size_t)n * raster.bins;
        long count = 0;
        for (long b = 0; b < raster.bins; b++) count += row[b];
        counts[n] = count;
    }
    return counts;
}

std::vector<double> retina_spike_rates(const RetinaRaster& raster) {
    std::vector<long> counts = retina_spike_counts(raster);
    std::vector<double> rates(raster.neurons);
    for (int n = 0; n < raster.neurons; n++) rates[n] = (double)counts[n] / (double)raster.bins;
    return rates;
}

std::vector<int> retina_most_active(const RetinaRaster& raster, int count) {
    if (count < 0 || count > raster.neurons)
        throw std::runtime_error("asked for the " + std::to_string(count) + " most active neurons of " +
                                 std::to_string(raster.neurons));
    std::vector<long> counts = retina_spike_counts(raster);
    std::vector<int> order = retina_all_neurons(raster);
    // Integer counts, so equal rates compare equal exactly; ties go to the lower index.
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return counts[a] > counts[b]; });
    order.resize(count);
    return order;
}

std::vector<int> retina_all_neurons(const RetinaRaster& raster) {
    std::vector<int> neurons(raster.neurons);
    for (int n = 0; n < raster.neurons; n++) neurons[n] = n;
    return neurons;
}

Samples retina_samples(const RetinaRaster& raster, const std::vector<int>& neurons, const std::vector<long>& bins) {
    for (int n : neurons)
        if (n < 0 || n >= raster.neurons) throw std::runtime_error("retina_samples: no neuron " + std::to_string(n));
    for (long b : bins)
        if (b < 0 || b >= raster.bins) throw std::runtime_error("retina_samples: no bin " + std::to_string(b));
    Samples samples;
    samples.count = (int)bins.size();
    samples.n = (int)neurons.size();
    samples.spins.resize((size_t)samples.count * samples.n);
    for (int m = 0; m < samples.count; m++)
        for (int i = 0; i < samples.n; i++) {
            uint8_t spike = raster.spikes[(size_t)neurons[i] * raster.bins + bins[m]];
            samples.spins[(size_t)m * samples.n + i] = spike ? 1.0f : -1.0f;  // σ = 2·bint − 1
        }
    return samples;
}

std::vector<long> retina_shuffled_bins(const RetinaRaster& raster, Rng* rng) {
    std::vector<long> bins(raster.bins);
    for (long b = 0; b < raster.bins; b++) bins[b] = b;
    // Fisher–Yates, front to back: position i gets a uniform pick among the bins not yet placed.
    for (long i = 0; i + 1 < raster.bins; i++) {
        long j = i + (long)rng_below(rng, (uint64_t)(raster.bins - i));
        std::swap(bins[i], bins[j]);
    }
    return bins;
}

RetinaSplit retina_split(const RetinaRaster& raster, const std::vector<int>& neurons, int train_count,
                         int test_count, Rng* rng) {
    if (train_count < 0 || test_count < 0 || (long)train_count + test_count > raster.bins)
        throw std::runtime_error("retina_split: " + std::to_string(train_count) + " training and " +
                                 std::to_string(test_count) + " test patterns need more than the " +
                                 std::to_string(raster.bins) + " bins there are");
    std::vector<long> order = retina_shuffled_bins(raster, rng);
    RetinaSplit split;
    split.train_bins.assign(order.begin(), order.begin() + train_count);
    split.test_bins.assign(order.begin() + train_count, order.begin() + train_count + test_count);
    split.train = retina_samples(raster, neurons, split.train_bins);
    split.test = retina_samples(raster, neurons, split.test_bins);
    return split;
}

PopulationCounts retina_population_counts(const RetinaRaster& raster, const std::vector<int>& neurons) {
    std::vector<int> count_per_bin(raster.bins, 0);
    for (int n : neurons) {
        if (n < 0 || n >= raster.neurons)
            throw std::runtime_error("retina_population_counts: no neuron " + std::to_string(n));
        const uint8_t* row = raster.spikes.data() + (size_t)n * raster.bins;
        for (long b = 0; b < raster.bins; b++) count_per_bin[b] += row[b];
    }
    PopulationCounts result;
    result.histogram.assign(neurons.size() + 1, 0);
    double total = 0;
    for (long b = 0; b < raster.bins; b++) {
        result.histogram[count_per_bin[b]]++;
        total += count_per_bin[b];
        result.max = std::max(result.max, count_per_bin[b]);
    }
    result.mean = raster.bins > 0 ? total / (double)raster.bins : 0.0;
    result.probability_silent = raster.bins > 0 ? (double)result.histogram[0] / (double)raster.bins : 0.0;
    return result;
}
