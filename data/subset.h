// Choosing part of a recording before inference: the most active units, as fig6 keeps the 40 most active of the
// retina's 160 neurons (Sec. III B), and a random subset of rows, as fig6 draws 8000 training and 1000 test bins from
// the 283,041 (the Ising model ignores temporal order, so a random subset is a fair one).
#pragma once
#include <cstdint>
#include <vector>

#include "formats.h"

// The `count` columns most often +1 (weighted by the rows' weights), most active first; equal counts in increasing
// column order (data/retina.h's retina_most_active makes the same choice from spike counts).
std::vector<int> most_active_columns(const Samples& samples, int count);
// Those columns of every row, in the given order (weights kept).
Samples select_columns(const Samples& samples, const std::vector<int>& columns);
// `count` distinct rows drawn without replacement (seeded Fisher–Yates), in the drawn order (weights kept).
Samples random_rows(const Samples& samples, long count, uint64_t seed);
