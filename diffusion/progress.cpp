#include "progress.h"

#include <chrono>
#include <cmath>
#include <memory>
#include <unistd.h>

ProgressOptions progress_options(bool quiet, const std::string& label) {
    ProgressOptions options;
    options.show = !quiet;
    options.terminal = isatty(STDERR_FILENO);
    options.label = label;
    return options;
}

double monotonic_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void progress_start(ProgressLine* line, const ProgressOptions& options, long start_done) {
    line->options = options;
    line->start_seconds = monotonic_seconds();
    line->last_draw_seconds = line->start_seconds;
    line->start_done = start_done;
    line->last_printed_done = start_done;
    line->drawn = false;
}

static std::string duration_text(double seconds) {
    long total = (long)std::lround(seconds);
    char text[32];
    if (total >= 3600) std::snprintf(text, sizeof text, "%ldh%02ldm", total / 3600, total / 60 % 60);
    else if (total >= 60) std::snprintf(text, sizeof text, "%ldm%02lds", total / 60, total % 60);
    else std::snprintf(text, sizeof text, "%lds", total);
    return text;
}

std::string progress_text(const std::string& label, long done, long total, const char* unit, double loss, double rate) {
    char text[256], loss_text[48] = "";
    if (!std::isnan(loss)) std::snprintf(loss_text, sizeof loss_text, "  loss %.4f", loss);
    std::string eta = rate > 0.0 ? duration_text((total - done) / rate) : "?";
    std::snprintf(text, sizeof text, "%s %ld/%ld %s (%.1f%%)%s  %.1f %s/s  ETA %s", label.c_str(), done, total, unit,
                  total > 0 ? 100.0 * done / total : 100.0, loss_text, rate, unit, eta.c_str());
    return text;
}

bool progress_plain_line_due(double seconds_since_last, long done_since_last, long total) {
    return seconds_since_last >= 10.0 && 100 * done_since_last >= total;
}

static void draw(ProgressLine* line, long done, long total, const char* unit, double loss, double now) {
    double elapsed = now - line->start_seconds;
    double rate = elapsed > 0.0 ? (done - line->start_done) / elapsed : 0.0;
    std::string text = progress_text(line->options.label, done, total, unit, loss, rate);
    // \r returns to the line start, \033[K clears what a longer previous line left.
    if (line->options.terminal) std::fprintf(line->options.stream, "\r%s\033[K", text.c_str());
    else std::fprintf(line->options.stream, "%s\n", text.c_str());
    std::fflush(line->options.stream);
    line->drawn = true;
    line->last_draw_seconds = now;
    line->last_printed_done = done;
}

void progress_update(ProgressLine* line, long done, long total, const char* unit, double loss) {
    if (!line->options.show) return;
    double now = monotonic_seconds(), since = now - line->last_draw_seconds;
    bool due = line->options.terminal ? (!line->drawn || since >= 0.25)
                                      : progress_plain_line_due(since, done - line->last_printed_done, total - line->start_done);
    if (due) draw(line, done, total, unit, loss, now);
}

void progress_finish(ProgressLine* line, long done, long total, const char* unit, double loss) {
    if (!line->options.show || (!line->options.terminal && !line->drawn)) return;
    if (!line->options.terminal && line->last_printed_done == done) return;  // the last plain line said it already
    draw(line, done, total, unit, loss, monotonic_seconds());
    if (line->options.terminal) std::fprintf(line->options.stream, "\n");
}

std::function<void(long done, long total, double loss)> progress_display(bool quiet, const std::string& label,
                                                                          const char* unit) {
    if (quiet) return nullptr;
    struct State {
        ProgressLine line;
        bool started = false, finished = false;
    };
    auto state = std::make_shared<State>();
    ProgressOptions options = progress_options(false, label);
    return [state, options, unit](long done, long total, double loss) {
        if (state->finished) return;
        if (!state->started) {
            progress_start(&state->line, options, done);
            state->started = true;
        }
        if (done < total) {
            progress_update(&state->line, done, total, unit, loss);
        } else {
            progress_finish(&state->line, done, total, unit, loss);
            state->finished = true;
        }
    };
}
