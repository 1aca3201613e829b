// Energy-variance stopping of the diffusion training (Sec. III A, Fig. 2f and Fig. 6b).
//
// The paper stops training where Var[E] of the augmented samples comes down to Var[E] of held-out test samples,
// all energies computed with the parameters inferred from the training data alone. Var[E(aug)] falls as the
// model learns and, far beyond the optimum, approaches Var[E(train)] (the model replicates its training set).
// This file knows nothing about networks or Ising models: it gets the variances from its caller.
#pragma once
#include <vector>

// Log-spaced checkpoint iterations: first, 2·first, 4·first, … below last, then last itself.
std::vector<long> doubling_schedule(long first, long last);

struct StopDecision {
    int index = -1;          // chosen checkpoint (index into the schedule)
    bool crossed = false;    // false: Var[E(aug)] never came down to the target; index is then the last one
    double crossing_log10_iteration = 0;  // interpolated crossing on the log10-iteration axis (when crossed)
};

// First crossing of the line `target` by the sequence variance[k] (taken at iterations[k]), interpolated linearly on
// the log-iteration axis between the two checkpoints around it; the checkpoint nearest to the interpolated crossing
// (in log-iteration) is chosen. The paper describes Var[E(aug)] coming DOWN to the test line (Fig. 2f, 6b), and so
// it does on the SK data; on the retina data with the quick sampler it starts BELOW the line and rises, so the rule
// takes the first crossing from whichever side the first checkpoint lies on (a first checkpoint exactly on the line
// is chosen). If the sequence never reaches the line, the rule says "train on": the last checkpoint (the furthest
// the budget allowed) is chosen and `crossed` is false, so the caller can report it.
StopDecision energy_variance_stop(const std::vector<long>& iterations, const std::vector<double>& variance,
                                  double target);
