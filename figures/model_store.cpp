#include "model_store.h"

#include <cstdio>
#include <map>
#include <memory>
#include <stdexcept>

#include "../data/atomic_file.h"
#include "../data/store.h"

namespace {

ModelStoreCounts counts;

// Change this text whenever the training code changes its results (the float summation order of a kernel, say):
// the old entries then no longer match, instead of handing out models the new code would not have trained.
const char* const RECIPE = "repro diffusion training v1";

class StoreModelCache : public ModelCache {
  public:
    explicit StoreModelCache(const std::string& dir) : dir_(dir) {}

    std::string training_name(const Samples& train, const DiffusionModel& initial, int batch, int threads) const override {
        StoreKey key = store_key_begin();
        store_key_string(&key, "recipe", RECIPE);
        store_key_int(&key, "n", train.n);
        store_key_int(&key, "count", train.count);
        store_key_floats(&key, "train", train.spins.data(), train.spins.size());
        store_key_string(&key, "initial model", checkpoint_bytes(initial));
        store_key_int(&key, "batch", batch);
        store_key_int(&key, "threads", threads);
        return store_key_hex(key);
    }

    bool find(const std::string& training, long iteration, DiffusionModel* model) const override {
        std::string entry = store_find(dir_, model_key(training, iteration));
        if (entry.empty()) return false;
        long before = model->iteration;
        checkpoint_load(model, entry + "/model.bin");
        counts.found++;
        counts.iterations_saved += iteration - before;
        return true;
    }

    void keep(const std::string& training, const DiffusionModel& model) const override {
        store_put(dir_, model_key(training, model.iteration), "diffusion model",
                  {"training " + training, "iteration " + std::to_string(model.iteration),
                   "n " + std::to_string(model.config.denoiser.n)},
                  [&](const std::string& folder) { checkpoint_save(model, folder + "/model.bin"); });
        counts.kept++;
    }

    bool find_samples(const std::string& training, long iteration, const std::string& sampling,
                      Samples* samples) const override {
        std::string entry = store_find(dir_, samples_key(training, iteration, sampling));
        if (entry.empty()) return false;
        *samples = samples_from_bytes(read_file(entry + "/samples.bin"), entry);
        counts.sample_sets_found++;
        return true;
    }

    void keep_samples(const std::string& training, long iteration, const std::string& sampling,
                      const Samples& samples) const override {
        store_put(dir_, samples_key(training, iteration, sampling), "generated samples",
                  {"training " + training, "iteration " + std::to_string(iteration), "sampling " + sampling},
                  [&](const std::string& folder) { write_file_atomic(folder + "/samples.bin", samples_to_bytes(samples)); });
    }

  private:
    static std::string samples_key(const std::string& training, long iteration, const std::string& sampling) {
        StoreKey key = store_key_begin();
        store_key_string(&key, "samples of", model_key(training, iteration));
        store_key_string(&key, "sampling", sampling);
        return store_key_hex(key);
    }
    // "repro-samples n count\n", then one byte per spin: 1 for +1, 0 for −1.
    static std::string samples_to_bytes(const Samples& samples) {
        std::string bytes = "repro-samples " + std::to_string(samples.n) + " " + std::to_string(samples.count) + "\n";
        for (float spin : samples.spins) bytes.push_back(spin > 0 ? 1 : 0);
        return bytes;
    }
    static Samples samples_from_bytes(const std::string& bytes, const std::string& entry) {
        Samples samples;
        size_t newline = bytes.find('\n');
        if (newline == std::string::npos || std::sscanf(bytes.c_str(), "repro-samples %d %d", &samples.n, &samples.count) != 2 ||
            samples.n < 1 || samples.count < 0 || bytes.size() - newline - 1 != (size_t)samples.n * samples.count)
            throw std::runtime_error(entry + "/samples.bin: not a complete samples entry");
        samples.spins.resize((size_t)samples.n * samples.count);
        for (size_t k = 0; k < samples.spins.size(); k++) samples.spins[k] = bytes[newline + 1 + k] ? 1.0f : -1.0f;
        return samples;
    }
    static std::string model_key(const std::string& training, long iteration) {
        StoreKey key = store_key_begin();
        store_key_string(&key, "training", training);
        store_key_int(&key, "iteration", iteration);
        return store_key_hex(key);
    }
    std::string dir_;
};

}  // namespace

const ModelCache* figure_model_store(const std::string& dir) {
    static std::map<std::string, std::unique_ptr<StoreModelCache>> caches;
    if (dir.empty() || dir == "none") return nullptr;
    std::unique_ptr<StoreModelCache>& cache = caches[dir];
    if (!cache) cache.reset(new StoreModelCache(dir));
    return cache.get();
}

ModelStoreCounts model_store_counts() { return counts; }
