// `repro all`: every figure in order (fig2 … fig6, then fig7 and fig8, beyond the paper), then results/README.md, the claims report (report/report.h).
// The figures skip their finished jobs, so rerunning `repro all` after an interruption continues where it stopped.
// A figure that fails is reported and the others still run; the report then notes the failure under its heading.
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "../runner/args.h"
#include "commands.h"
#include "../data/atomic_file.h"
#include "../figures/figure.h"
#include "../figures/model_store.h"
#include "../report/csv.h"
#include "../report/report.h"

struct FigureCommand {
    const char* name;
    int (*run)(int argc, char** argv);
};

int command_all(int argc, char** argv) {
    Args args = parse_args(argc, argv, 2, "repro all [--scale quick|paper] [--members K] [--out DIR] [--report-only]",
                           "Runs fig2, fig3, fig4, fig5, fig6, fig7 and fig8 (each into DIR/figK, skipping finished jobs), then "
                           "writes DIR/README.md, the report of every claim with its measured numbers and verdict.",
                           {{"scale", "S", "quick", "quick (the budgeted small design of each figure) or paper (the full design)"},
                            {"out", "DIR", "results", "results directory; figure K writes DIR/figK"},
                            {"members", "K", "", "members per point in every figure (default: each figure's, quick 3, paper 10); "
                                                 "a finished run with fewer members keeps them and adds the rest"},
                            {"figures", "LIST", "fig2,fig3,fig4,fig5,fig6,fig7,fig8", "the figures to run, in this order"},
                            {"report-only", "", "", "only rebuild DIR/README.md from the figures' files"},
                            store_option()},
                           0, 0);
    std::string scale = arg_string(args, "scale"), out = arg_string(args, "out");
    if (scale != "quick" && scale != "paper") throw UsageError("--scale must be quick or paper, got '" + scale + "'");
    bool quiet = arg_flag(args, "quiet");
    std::shared_ptr<FileGate> gate = figure_gate(args, out);  // DIR/all_times.csv, DIR/README.md; each figure has its own
    auto start = std::chrono::steady_clock::now();
    std::vector<std::pair<std::string, std::string>> notes;  // failures, for the report

    if (!arg_flag(args, "report-only")) {
        const FigureCommand figures[] = {{"fig2", command_fig2}, {"fig3", command_fig3}, {"fig4", command_fig4},
                                         {"fig5", command_fig5}, {"fig6", command_fig6},
                                         {"fig7", command_fig7}, {"fig8", command_fig8}};
        std::vector<std::string> outcome;
        CsvTable times = csv_table({"figure", "status", "seconds", "models_found", "iterations_saved", "models_kept"});
        if (arg_given(args, "members")) arg_int_in_range(args, "members", 1, 1000);
        std::vector<FigureCommand> chosen;
        std::string list = arg_string(args, "figures") + ",";
        for (size_t at = 0, comma; (comma = list.find(',', at)) != std::string::npos; at = comma + 1) {
            std::string name = list.substr(at, comma - at);
            const FigureCommand* found = nullptr;
            for (const FigureCommand& figure : figures)
                if (name == figure.name) found = &figure;
            if (!found) throw UsageError("--figures: no figure '" + name + "' (fig2 ... fig8)");
            chosen.push_back(*found);
        }
        for (const FigureCommand& figure : chosen) {
            // The figure's own command line: repro figK --scale S --out DIR/figK, plus the common options given here.
            std::vector<std::string> words = {"repro", figure.name, "--scale", scale, "--out", out + "/" + figure.name};
            for (const char* option : {"seed", "threads", "store", "members"})
                if (arg_given(args, option)) {
                    words.push_back(std::string("--") + option);
                    words.push_back(arg_string(args, option));
                }
            if (quiet) words.push_back("--quiet");
            std::vector<char*> figure_argv;
            for (std::string& word : words) figure_argv.push_back(&word[0]);
            figure_argv.push_back(nullptr);

            std::fprintf(stderr, "\n=== repro all: %s (%s) ===\n", figure.name, command_line_text((int)words.size(), figure_argv.data()).c_str());
            auto figure_start = std::chrono::steady_clock::now();
            ModelStoreCounts store_before = model_store_counts();
            std::string failure;
            try {
                int status = figure.run((int)words.size(), figure_argv.data());
                if (status != 0) failure = "exited with status " + std::to_string(status);
            } catch (const std::exception& error) {
                failure = error.what();
            }
            double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - figure_start).count();
            ModelStoreCounts store = model_store_counts();
            long found = store.found - store_before.found, kept = store.kept - store_before.kept;
            long saved = store.iterations_saved - store_before.iterations_saved;
            char line[200];
            std::snprintf(line, sizeof line, "%-5s %-7s %8.1f min   store: %ld models found (%ld training iterations saved), "
                          "%ld trained and kept", figure.name, failure.empty() ? "ok" : "FAILED", seconds / 60, found, saved, kept);
            csv_add_row(&times, {figure.name, failure.empty() ? "ok" : "failed", csv_number(seconds), csv_integer(found),
                                 csv_integer(saved), csv_integer(kept)});
            outcome.push_back(line + (failure.empty() ? std::string() : "  " + failure));
            if (!failure.empty()) {
                std::fprintf(stderr, "repro all: %s failed: %s (going on with the other figures)\n", figure.name, failure.c_str());
                notes.push_back({figure.name, "the last `repro all --scale " + scale + "` failed on this figure: " +
                                                  failure + ". Files below, if any, are from an earlier run."});
            }
            std::fflush(stdout);
            std::fflush(stderr);
        }
        std::printf("\nrepro all --scale %s:\n", scale.c_str());
        for (const std::string& line : outcome) std::printf("  %s\n", line.c_str());
        ModelStoreCounts store = model_store_counts();
        std::printf("  the store of trained models: %ld found instead of trained (%ld training iterations saved), %ld "
                    "trained and kept; %ld generated sets found instead of drawn\n", store.found, store.iterations_saved,
                    store.kept, store.sample_sets_found);
        make_directories(out);
        csv_write(out + "/all_times.csv", times);  // what this invocation cost per figure (the report quotes it)
    }
    write_results_readme(out, notes);
    double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("wrote %s/README.md; total wall time %.1f min (%.0f s)\n", out.c_str(), total / 60, total);
    return notes.empty() ? 0 : 1;
}
