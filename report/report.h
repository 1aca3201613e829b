// The reproduction report: each figure checks the paper's claims against its own numbers and writes them to
// results/figK/claims.csv; `repro all` then builds results/README.md from every figure's files. Nothing in the
// report is typed by hand: verdicts come from the judging rules below, applied to the measured numbers.
//
// Files a figure writes into its directory results/figK/ (besides its data, scripts and PNGs):
//   summary.md     its own summary; the report quotes its first "# " heading and the first paragraph after it
//   claims.csv     columns figure, claim, measured, verdict ("held", "not held", "undecided" or "single run"), members
//                  (the independent members behind the verdict), effect, ci_low, ci_high (the tested effect and its
//                  95 % interval) and needed (members an undecided claim would need); empty when not known
//   run_info.csv   columns key, value; keys command (the command line), scale, seed, wall_seconds are required,
//                  date (UTC, added by write_run_info) and any others (threads, jobs, ...) are shown as given
//
// Verdicts come from the 95 % tests of judge.h.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "judge.h"
#include "markdown.h"
#include "statistics.h"

struct Claim {
    std::string figure;    // "fig3"
    std::string text;      // the paper's claim in words, e.g. "augmented MSE < observed MSE at every g"
    std::string measured;  // the numbers that decided it
    Verdict verdict = Verdict::Undecided;
    int members = -1;      // the independent members (ensembles) behind the verdict, the fewest at any point; −1: not known
    double effect = NAN, low = NAN, high = NAN;  // the tested effect and its 95 % interval (judge.h), NaN if none
    int needed = -1;       // members an undecided claim would need (judge.h); 0 decided; −1 not known
};

Claim make_claim(const std::string& figure, const std::string& text, const Judgement& judgement);

// claims.csv
void write_claims(const std::string& path, const std::vector<Claim>& claims);
std::vector<Claim> read_claims(const std::string& path);

// observed_mse.csv: the erasure machine's MSE on the observed data at every SK point (n, g, M, member) a figure ran.
// Figures draw a point's data from the same seed (method/seeds.h sk_point_seed), so the report can check that they
// agree (the section "The figures agree at shared points").
struct ObservedMse {
    long n = 0;
    double g = 0;
    long M = 0;
    int member = 0;
    double mse = 0;
};
void write_observed_mse(const std::string& path, const std::vector<ObservedMse>& rows);
std::vector<ObservedMse> read_observed_mse(const std::string& path);
// The section: one row per (point, member) that two or more figures ran, their MSEs side by side, and whether they
// agree (relative difference below 1e-6: the same data and fit agree to ~1e-8 across CPUs, whose BLAS kernels sum
// floats in another order; a different draw differs by far more). Empty when no point is shared. `figures` are the results_dir/fig* names.
std::string shared_points_section(const std::string& results_dir, const std::vector<std::string>& figures);
// "Does repro assess agree with fig7?": fig8's blind and true "augmentation helps solver S" verdicts (fig8_helps.csv)
// beside fig7's (fig7_helps.csv) at every (n, g, M, solver) both ran; "" when either file is missing or none is shared.
std::string assess_against_fig7_section(const std::string& results_dir);

// run_info.csv. write_run_info checks the required keys (command, scale, seed, wall_seconds) and adds date.
using RunInfo = std::vector<std::pair<std::string, std::string>>;
void write_run_info(const std::string& path, const RunInfo& info);
RunInfo read_run_info(const std::string& path);
// The command line as one string (for the "command" key), words with spaces quoted.
std::string command_line_text(int argc, char** argv);

// results/README.md from every results_dir/fig*/ (in figure order). `notes` adds a line under a figure's heading,
// e.g. {"fig6", "failed in the last `repro all`: ..."}; a figure named in notes but without a directory still gets
// its section. Returns the text that write_results_readme writes (atomically) to results_dir/README.md.
std::string results_readme_text(const std::string& results_dir,
                                const std::vector<std::pair<std::string, std::string>>& notes = {});
void write_results_readme(const std::string& results_dir,
                          const std::vector<std::pair<std::string, std::string>>& notes = {});
// The "## Claims" section of a summary.md: one table row per claim (claim, measured, verdict).
std::string claims_markdown(const std::vector<Claim>& claims);
