// Progress of long training and sampling runs on stderr, in two forms:
//   on a terminal: one line "\r<label> 12000/32000 it  loss 0.3412  105.2 it/s  ETA 3m10s", redrawn at most 4 times
//     a second, ended with a newline;
//   otherwise (a log file, a Slurm job, a pipe): plain lines "<label> 12000/32000 it (37.5%)  loss ...  ETA 3m10s",
//     one at most every 10 s and only after another 1 % of the work (whichever is rarer: about 50 lines for an
//     8-minute run, 100 for a long one), and a last line at the end if any was printed.
// --quiet shows nothing. The rate and the ETA count only the work done by this call (a resumed run starts at its
// checkpoint's iteration, and the iterations before it took no time here).
#pragma once
#include <cstdio>
#include <functional>
#include <string>

struct ProgressOptions {
    bool show = false;
    bool terminal = false;   // redraw one line (\r) instead of printing plain lines
    std::string label;       // e.g. "train" or "sample"
    FILE* stream = stderr;
};

// show = !quiet; terminal = stderr is a terminal (isatty).
ProgressOptions progress_options(bool quiet, const std::string& label);

struct ProgressLine {
    ProgressOptions options;
    double start_seconds = 0.0, last_draw_seconds = -1.0;
    long start_done = 0;        // work already done when this call began (not counted in the rate)
    long last_printed_done = 0; // plain lines: the work done at the last line
    bool drawn = false;
};

// `start_done`: the count the run starts from (e.g. the iteration of a resumed checkpoint).
void progress_start(ProgressLine* line, const ProgressOptions& options, long start_done = 0);
// Redraws (terminal) or prints a plain line when due: done of total `unit`s (e.g. "it"), the rate since start, the
// ETA and, if loss is not NaN, the loss.
void progress_update(ProgressLine* line, long done, long total, const char* unit, double loss);
// Final draw and newline (terminal), or a last plain line if any was printed.
void progress_finish(ProgressLine* line, long done, long total, const char* unit, double loss);

// A progress callback (diffusion.h's ProgressCallback) that draws a ProgressLine labelled `label`, counting `unit`s:
// its first call starts the line (the rate counts from that call's done), the call with done = total finishes it.
// Nothing is shown with `quiet`.
std::function<void(long done, long total, double loss)> progress_display(bool quiet, const std::string& label,
                                                                          const char* unit);

// Whether a plain (non-terminal) line is due: at least 10 s since the last one and at least 1 % of `total` more done.
bool progress_plain_line_due(double seconds_since_last, long done_since_last, long total);
// The text of one progress line (no \r, no newline): label, done/total unit, percent, loss, rate, ETA.
std::string progress_text(const std::string& label, long done, long total, const char* unit, double loss, double rate);

// Seconds on a monotonic clock.
double monotonic_seconds();
