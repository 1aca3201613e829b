// A one-line progress display on stderr for long training and sampling runs: "\r<label> 12000/32000 loss 0.3412
// 105.2 it/s ETA 3m10s", redrawn at most 4 times a second, ended with a newline. Shown only when stderr is a
// terminal and --quiet is not given, so logs and pipes stay clean.
#pragma once
#include <string>

struct ProgressOptions {
    bool show = false;
    std::string label;  // e.g. "train" or "sample"
};

// show = !quiet && stderr is a terminal (isatty).
ProgressOptions progress_options(bool quiet, const std::string& label);

struct ProgressLine {
    ProgressOptions options;
    double start_seconds = 0.0, last_draw_seconds = -1.0;
    bool drawn = false;
};

void progress_start(ProgressLine* line, const ProgressOptions& options);
// Redraws if a quarter second has passed: done of total `unit`s (e.g. "it"), the rate since start, the ETA and,
// if loss is not NaN, the loss.
void progress_update(ProgressLine* line, long done, long total, const char* unit, double loss);
// Final draw and newline (if anything was drawn).
void progress_finish(ProgressLine* line, long done, long total, const char* unit, double loss);

// Seconds on a monotonic clock.
double monotonic_seconds();
