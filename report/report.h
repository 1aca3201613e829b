// The reproduction report: each figure checks the paper's claims against its own numbers and writes them to
// results/figK/claims.csv; `repro all` then builds results/README.md from every figure's files. Nothing in the
// report is typed by hand: verdicts come from the judging rules below, applied to the measured numbers.
//
// Files a figure writes into its directory results/figK/ (besides its data, scripts and PNGs):
//   summary.md     its own summary; the report quotes its first "# " heading and the first paragraph after it
//   claims.csv     columns figure, claim, measured, verdict (verdict: "held", "not held" or "undecided"), members
//                  (the independent members behind the verdict; empty when not known, as in files from before it)
//   run_info.csv   columns key, value; keys command (the command line), scale, seed, wall_seconds are required,
//                  date (UTC, added by write_run_info) and any others (threads, jobs, ...) are shown as given
//
// Judging rule (judge_less and the helpers built on it). An estimate is a mean with its sample sd over `count`
// independent runs (ensembles). "a < b" is
//   held       if  b − a >  2·SE,   SE = sqrt(sd_a²/n_a + sd_b²/n_b)  (standard error of the difference of means),
//   not held   if  b − a < −2·SE,
//   undecided  otherwise ("undecided at this scale": the error bars cannot tell them apart).
// 2·SE is roughly a two-sided 95% test; no correction is made for checking several claims. When either side is a
// single run (count < 2, no sd) there is no error bar: the plain numbers decide (held if a < b, not held if a > b)
// and the measured text says "single run".
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "markdown.h"
#include "statistics.h"

enum class Verdict { Held, NotHeld, Undecided };
// "held", "not held", "undecided" (the claims.csv spelling) and back; verdict_parse throws on anything else.
const char* verdict_name(Verdict verdict);
Verdict verdict_parse(const std::string& text);

struct Claim {
    std::string figure;    // "fig3"
    std::string text;      // the paper's claim in words, e.g. "augmented MSE < observed MSE at every g"
    std::string measured;  // the numbers that decided it
    Verdict verdict = Verdict::Undecided;
    int members = -1;      // the independent members (ensembles) behind the verdict, the fewest at any point; −1: not known
};

// A verdict and the numbers behind it, from the helpers below. Each helper sets `members` from its estimates' counts
// (the fewest, for a claim judged at several points); a figure that judges by hand sets it itself.
struct Judgement {
    Verdict verdict = Verdict::Undecided;
    std::string measured;
    int members = -1;
};
Claim make_claim(const std::string& figure, const std::string& text, const Judgement& judgement);

// An estimate from a single number (count 1, no sd).
Estimate single_run(double value);
// Is a < b? (the rule above). Names label the numbers in the measured text. Throws on a non-finite mean.
Judgement judge_less(const std::string& a_name, const Estimate& a, const std::string& b_name, const Estimate& b);
// Is a < b for paired members (the same data and model give a_k and b_k)? The rule above applied to the paired
// differences d_k = a_k − b_k: held if mean(d) < −2·SE, SE = sd(d)/√count; not held if mean(d) > 2·SE; with a single
// pair the sign decides ("single run"). Pairing removes the between-member spread that both sides share.
Judgement judge_paired_less(const std::string& a_name, const std::vector<double>& a, const std::string& b_name,
                            const std::vector<double>& b);
// Claims that hold at every point: held if every judgement is held, not held if any is, else undecided.
// `labels` name the points ("g=0.5"); the measured text lists each one.
Judgement judge_all(const std::vector<std::string>& labels, const std::vector<Judgement>& judgements);

enum class Trend { Falls, Rises };
// Step by step: each consecutive pair (points in order of x) must move the `trend` way by the rule above;
// held if every step does, not held if some step clearly moves the other way, else undecided.
Judgement judge_trend_steps(const std::vector<std::string>& labels, const std::vector<Estimate>& points, Trend trend);
// Overall: least-squares slope of the means against x (pass log10 M for a log axis), with its standard error
// propagated from the points' standard errors, SE_slope² = Σ c_i² sd_i²/n_i, c_i = (x_i − x̄)/Σ(x_j − x̄)²;
// held if the slope is more than 2·SE_slope the `trend` way, not held if as much the other way, else undecided.
// With single runs the sign of the slope decides. `x_name` labels the axis in the measured text.
Judgement judge_trend_slope(const std::string& x_name, const std::vector<double>& x, const std::vector<Estimate>& points,
                            Trend trend);
// U shape (the MSE along diffusion training, Fig. 2e): the smallest mean lies at an interior point and both end
// points are clearly higher than it (each by judge_less). Not held if the smallest is at an end and clearly (or, with
// single runs, plainly) below the best interior point; undecided otherwise. Needs ≥ 3 points.
Judgement judge_u_shape(const std::vector<std::string>& labels, const std::vector<Estimate>& points);

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
// The measured text as the at-a-glance table shows it: unchanged up to `limit` characters; longer, cut at a "; " or
// " → " with a count of the points' verdicts (judge_all's "[held]" markers) and a pointer to the figure's table.
std::string glance_measured_text(const std::string& measured, size_t limit);
void write_results_readme(const std::string& results_dir,
                          const std::vector<std::pair<std::string, std::string>>& notes = {});
// The "## Claims" section of a summary.md: one table row per claim (claim, measured, verdict).
std::string claims_markdown(const std::vector<Claim>& claims);
