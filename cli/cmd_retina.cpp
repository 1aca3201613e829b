// repro retina-info [--data PATH] [--top K]: what the salamander retina recording of Sec. III B looks like —
// shape, fraction of ones, the most active neurons (the paper keeps the 40 most active) and population counts.
// The numbers can be compared with data/retina/README.md.
#include <algorithm>
#include <cstdio>

#include "../data/output_gate.h"
#include "../data/retina.h"
#include "../runner/args.h"
#include "commands.h"

static void print_population_counts(const char* label, const PopulationCounts& counts) {
    std::printf("population count K per bin (%s): mean %.2f, max %d, P(K=0) = %.3f\n", label, counts.mean,
                counts.max, counts.probability_silent);
}

int command_retina_info(int argc, char** argv) {
    Args args = parse_args(argc, argv, 2, "repro retina-info [--data PATH] [--top K]",
                           "Prints the shape of the salamander retina recording (Marre et al. 2017, "
                           "doi:10.15479/AT:ISTA:61),\nthe fraction of ones, the K most active neurons with their "
                           "spike probability per 20 ms bin,\nand population-count statistics. Reads the copy "
                           "embedded at build time unless --data is given.",
                           {{"data", "PATH", "", "bint_fishmovie32_100.mat to read instead of the embedded copy"},
                            {"top", "K", "40", "how many of the most active neurons to list"}},
                           0, 0);
    std::string data_path = arg_given(args, "data") ? arg_string(args, "data") : "";
    FileGate gate;
    gate.input("--data", data_path);
    gate.check();
    long long top = arg_int(args, "top");
    if (top < 1) throw UsageError("option --top must be at least 1");
    RetinaRaster raster = retina_load(data_path);
    if (top > raster.neurons) throw UsageError("option --top must be at most " + std::to_string(raster.neurons));

    std::vector<long> counts = retina_spike_counts(raster);
    std::vector<double> rates = retina_spike_rates(raster);
    long ones = 0;
    for (long count : counts) ones += count;
    std::vector<double> sorted_rates = rates;
    std::sort(sorted_rates.begin(), sorted_rates.end());
    size_t middle = sorted_rates.size() / 2;
    double median = sorted_rates.size() % 2 ? sorted_rates[middle]
                                            : 0.5 * (sorted_rates[middle - 1] + sorted_rates[middle]);

    std::printf("source: %s\n", raster.source.c_str());
    std::printf("bint: %d repeats x %d neurons x %d bins of 20 ms\n", raster.repeats, raster.neurons,
                raster.bins_per_repeat);
    std::printf("raster: %d neurons x %ld bins (repeats concatenated)\n", raster.neurons, raster.bins);
    std::printf("ones: %ld of %ld (fraction %.6f)\n", ones, (long)raster.neurons * raster.bins,
                (double)ones / ((double)raster.neurons * raster.bins));
    std::printf("spike probability per bin over neurons: min %.5f, median %.4f, mean %.4f, max %.4f\n",
                sorted_rates.front(), median, (double)ones / ((double)raster.neurons * raster.bins),
                sorted_rates.back());

    std::vector<int> most_active = retina_most_active(raster, (int)top);
    std::printf("\n%lld most active neurons (0-based index; spike probability per bin; rate in Hz):\n", top);
    std::printf("%6s %7s %12s %8s\n", "rank", "neuron", "probability", "Hz");
    double sum = 0;
    for (int rank = 0; rank < (int)top; rank++) {
        int neuron = most_active[rank];
        sum += rates[neuron];
        std::printf("%6d %7d %12.4f %8.2f\n", rank + 1, neuron, rates[neuron], rates[neuron] / 0.020);
    }
    std::printf("mean spike probability of these %lld: %.4f\n\n", top, sum / (double)top);

    print_population_counts("all neurons", retina_population_counts(raster, retina_all_neurons(raster)));
    std::string label = "the " + std::to_string(top) + " most active";
    print_population_counts(label.c_str(), retina_population_counts(raster, most_active));
    finish_standard_output();
    return 0;
}
