#include "model_store.h"

#include <cstdio>
#include <map>
#include <memory>

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

  private:
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
