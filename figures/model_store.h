// The store of trained models and generated sets the figures share (issue 18: train once, use everywhere): the ModelCache of
// method/augment.h over the content-addressed store of data/store.h. Each entry holds one model (model.bin, a
// diffusion checkpoint) named by its training and iteration, so fig2, fig3, fig4, fig5 and fig7 — which draw the same
// data and initial weights for the same (n, g, M, member) point (method/seeds.h sk_point_seed) — train each model
// once. `repro store --list|--clear` shows and empties it.
#pragma once
#include <string>

#include "../method/augment.h"

// The cache over the store in `dir` (data/store.h store_dir_choose picks it); "" or "none" gives nullptr (train
// every model). The object lives as long as the process.
const ModelCache* figure_model_store(const std::string& dir);

// What the store did in this process: models found instead of trained (and the training iterations that saved),
// and models trained and kept.
struct ModelStoreCounts {
    long found = 0, kept = 0;
    long iterations_saved = 0;
    long sample_sets_found = 0;  // generated sets found instead of drawn again
};
ModelStoreCounts model_store_counts();
