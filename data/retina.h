// The salamander retina recording of Sec. III B (Marre et al. 2017, https://doi.org/10.15479/AT:ISTA:61):
// 160 ganglion cells, 297 repeats of a 953-bin (20 ms) movie, stored in bint_fishmovie32_100.mat as the variable
// bint (297 × 160 × 953, repeat × neuron × bin). Here it becomes a 160 × 283041 raster of 0/1 by concatenating the
// repeats in order: X[n, r·953 + t] = bint[r, n, t] (see data/retina/README.md).
// Memory: the raster is 45 MB of uint8; loading peaks at about twice that (the parsed variable plus the raster).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "formats.h"
#include "rng.h"

// The MAT-file embedded at build time by data/retina_embed.S from data/retina/bint_fishmovie32_100.mat (committed;
// the Makefile checks its sha256 first). retina_mat_size is 0 only in a build that did not define RETINA_MAT_PATH.
extern "C" const unsigned char retina_mat_data[];
extern "C" const unsigned long retina_mat_size;

struct RetinaRaster {
    int neurons = 0;               // 160
    int repeats = 0;               // 297
    int bins_per_repeat = 0;       // 953
    long bins = 0;                 // repeats × bins_per_repeat = 283041
    std::vector<uint8_t> spikes;   // neurons × bins, row-major, 0/1: spikes[n·bins + r·953 + t] = bint[r, n, t]
    std::string source;            // the path, or "embedded copy of ...", for messages
};

// True when this binary carries the embedded recording.
bool retina_embedded();
// Loads the recording from `data_path`, or from the embedded copy when data_path is empty. With neither, throws
// a message giving the DOI and where to put the file.
RetinaRaster retina_load(const std::string& data_path);
// Builds the raster from the bytes of a MAT-file; checks the variable bint is 297 × 160 × 953 and only 0/1.
RetinaRaster retina_from_mat(const void* bytes, size_t size, const std::string& name_for_errors);

// Spike count of each neuron over all bins.
std::vector<long> retina_spike_counts(const RetinaRaster& raster);
// Spike probability per bin of each neuron (count / bins).
std::vector<double> retina_spike_rates(const RetinaRaster& raster);
// Indices of the `count` most active neurons, most active first; equal spike counts in increasing index order.
std::vector<int> retina_most_active(const RetinaRaster& raster, int count);

// ±1 samples (σ = 2·bint − 1) of the given neurons (in that order) at the given bins (in that order).
Samples retina_samples(const RetinaRaster& raster, const std::vector<int>& neurons, const std::vector<long>& bins);
// All bin indices 0 .. bins−1 in a random order (Fisher–Yates with rng). The Ising model ignores temporal order,
// so the paper shuffles the bins before splitting (Sec. III B).
std::vector<long> retina_shuffled_bins(const RetinaRaster& raster, Rng* rng);

// A random train/test split of distinct bins: the first train_count shuffled bins train, the next test_count test.
struct RetinaSplit {
    Samples train;                 // train_count × neurons.size()
    Samples test;                  // test_count × neurons.size()
    std::vector<long> train_bins;  // which raster bin each pattern came from
    std::vector<long> test_bins;
};
RetinaSplit retina_split(const RetinaRaster& raster, const std::vector<int>& neurons, int train_count,
                         int test_count, Rng* rng);

// Distribution of the population count K (number of spiking neurons among `neurons`) over all bins.
struct PopulationCounts {
    std::vector<long> histogram;   // histogram[K] = bins with K spikes, K = 0 .. neurons.size()
    double mean = 0;               // mean K
    int max = 0;                   // largest K that occurs
    double probability_silent = 0; // P(K = 0)
};
PopulationCounts retina_population_counts(const RetinaRaster& raster, const std::vector<int>& neurons);
// 0, 1, ..., raster.neurons − 1 (all neurons), for the function above.
std::vector<int> retina_all_neurons(const RetinaRaster& raster);
