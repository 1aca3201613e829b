#include "progress.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <unistd.h>

ProgressOptions progress_options(bool quiet, const std::string& label) {
    ProgressOptions options;
    options.show = !quiet && isatty(STDERR_FILENO);
    options.label = label;
    return options;
}

double monotonic_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void progress_start(ProgressLine* line, const ProgressOptions& options) {
    line->options = options;
    line->start_seconds = monotonic_seconds();
    line->last_draw_seconds = -1.0;
    line->drawn = false;
}

static void format_duration(char* text, size_t size, double seconds) {
    long total = (long)std::lround(seconds);
    if (total >= 3600) std::snprintf(text, size, "%ldh%02ldm", total / 3600, total / 60 % 60);
    else if (total >= 60) std::snprintf(text, size, "%ldm%02lds", total / 60, total % 60);
    else std::snprintf(text, size, "%lds", total);
}

static void draw(ProgressLine* line, long done, long total, const char* unit, double loss, double now) {
    double elapsed = now - line->start_seconds;
    double rate = elapsed > 0.0 ? done / elapsed : 0.0;
    char eta[32] = "?", loss_text[48] = "";
    if (rate > 0.0) format_duration(eta, sizeof eta, (total - done) / rate);
    if (!std::isnan(loss)) std::snprintf(loss_text, sizeof loss_text, "  loss %.4f", loss);
    // \r returns to the line start, \033[K clears what a longer previous line left.
    std::fprintf(stderr, "\r%s %ld/%ld %s%s  %.1f %s/s  ETA %s\033[K", line->options.label.c_str(), done, total, unit,
                 loss_text, rate, unit, eta);
    std::fflush(stderr);
    line->drawn = true;
    line->last_draw_seconds = now;
}

void progress_update(ProgressLine* line, long done, long total, const char* unit, double loss) {
    if (!line->options.show) return;
    double now = monotonic_seconds();
    if (line->last_draw_seconds >= 0.0 && now - line->last_draw_seconds < 0.25) return;
    draw(line, done, total, unit, loss, now);
}

void progress_finish(ProgressLine* line, long done, long total, const char* unit, double loss) {
    if (!line->options.show) return;
    draw(line, done, total, unit, loss, monotonic_seconds());
    std::fprintf(stderr, "\n");
}
