// What the ensemble figures (fig3–fig7) share: their command line, the design parameters every job carries, and
// one writer for what a figure leaves besides its data and plots (claims.csv, run_info.csv, summary.md).
//
// Each figure is three parts: its design (the list of jobs, runner/jobs.h), one job (a function of the job's
// parameters that returns its rows) and its summary (merged rows → tables, plots, claims, FigureSummary).
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "../runner/args.h"
#include "method_options.h"
#include "../data/output_gate.h"
#include "../method/augment.h"
#include "../method/solvers.h"
#include "../report/markdown.h"
#include "../report/report.h"
#include "../runner/jobs.h"
#include "model_store.h"

// "a < b" at every point x (values `xs` of `x_column`; labelled "x_name=x") of two columns of the same merged rows,
// paired member by member (the same data give both): judge_paired_less per point, judge_all over the points.
Judgement judge_columns_less(const std::string& x_name, const CsvTable& rows, const std::string& x_column,
                             const std::vector<std::string>& xs, const std::string& a, const std::string& a_name,
                             const std::string& b, const std::string& b_name);

// "The energy-variance rule fired in 7 of 9 jobs (not in: g=2/ens=0, g=2/ens=1)." from the merged rows' job_id and
// stop_crossed columns (a job with several rows counts once): a rule that did not fire within the budget is its own
// outcome, counted, not credited (issue 18).
std::string rule_fired_text(const CsvTable& merged);

// --store DIR (every figure): where the trained models are kept and found (figures/model_store.h).
OptionSpec store_option();
const ModelCache* figure_store_from_args(const Args& args);

// The command line of an ensemble figure: --scale and --out first, the figure's own options, then the shared ones
// (erasure_options, solver_options when `takes_solver`, augment_options, job_options), parsed with `usage` and
// `description` for --help. `paper_design` describes --scale paper in the help. Checks --scale; *paper tells
// whether it is "paper". Figures that run several solvers themselves (fig6, fig7) pass takes_solver = false.
// --members K (the number of members per point; --ensembles is its old name, still accepted) and its value: the
// option's value checked to lie in 1..1000, else quick 3, paper 10 (the paper's ensemble count).
OptionSpec members_option();
int figure_members(const Args& args, bool paper);
Args parse_ensemble_figure_args(int argc, char** argv, const std::string& figure, const std::string& paper_design,
                                const std::vector<OptionSpec>& own, const std::string& usage,
                                const std::string& description, bool* paper, bool takes_solver = true);
// A list option with defaults by scale: the given --option, else paper_default or quick_default.
std::string scale_list_text(const Args& args, const std::string& option, bool paper, const std::string& paper_default,
                            const std::string& quick_default);

// The design parameters every augmenting figure ends its jobs with: max_iter, probe, sampler, eps, seed, solver only
// when it is not the erasure machine and ema only when --ema is set (D > 0), so designs without them, and the parts
// they produced, stay as they were.
std::vector<std::pair<std::string, std::string>> augment_design_params(const AugmentSettings& settings,
                                                                      const SolverChoice& solver, uint64_t seed);
// "0", "1", …, "count − 1": the ensemble axis of a design.
std::vector<std::string> ensemble_values(int count);
// A job's seed: derived from --seed and a hash of the figure and the job's id ("fig3/g=1/ens=0"), so that it depends
// on what the job is, not on its position in the design.
uint64_t job_seed(uint64_t seed, const std::string& figure, const Job& job);

// One invocation of a figure command, for run_info.csv and summary.md.
struct FigureRun {
    std::string figure;  // "fig3"
    std::string out, scale;
    uint64_t seed = 1;
    int threads = 1;
    int argc = 0;
    char** argv = nullptr;
    std::chrono::steady_clock::time_point start;
    std::shared_ptr<FileGate> gate;  // --out DIR and the store, checked; alive as long as the run
};
// A figure's integer option, range-checked before it is narrowed (issue 27: "--M 4294967496" ran with M = 200):
// `fallback` when not given (the design's value), else the value, which must lie in [lo, hi] (UsageError otherwise).
long long figure_int(const Args& args, const std::string& name, long long lo, long long hi, long long fallback);
// A list option ("1000,4000") whose every value must lie in [lo, hi].
std::vector<long> figure_list(const std::string& text, const std::string& option, long lo, long hi);
// Upper bounds shared by the figures: what the stand-alone commands accept (sample --n, augment --M-plus, --batch).
constexpr long long FIGURE_MAX_N = 100000, FIGURE_MAX_M = 1000000000, FIGURE_MAX_M_PLUS = 100000000,
                    FIGURE_MAX_BATCH = 65536;

// A figure's files through the gate (data/output_gate.h): the folders --out `out` and the store (--store, unless
// 'none') written into, --data read. Returns the living gate; keep it for the whole command.
std::shared_ptr<FileGate> figure_gate(const Args& args, const std::string& out);
// Reads --out, --scale, --seed and --threads (applying them to OpenBLAS), passes the figure's files through the
// gate and starts the clock.
FigureRun figure_run(const Args& args, const std::string& figure, int argc, char** argv);

// The column run_figure adds to every job's rows: the --threads the job ran with.
constexpr const char* JOB_THREADS_COLUMN = "job_threads";
// The threads of the merged jobs for summary.md: "2" when all recorded the same, "1 (18 jobs), 2 (9 jobs)" when
// they differ (a part without the column counts as "not recorded"), "2 (this invocation; the jobs' own were not
// recorded)" when no part has it.
std::string job_threads_text(const CsvTable& merged, int invocation_threads);

// The parts of summary.md a figure provides.
struct FigureSummary {
    std::string title;     // "Fig. 3: MSE vs coupling scale g"; the writer adds " (quick scale)"
    std::string headline;  // the opening paragraph
    SettingRows settings;  // the figure's own; the writer adds "seed, threads" and "jobs merged"
    std::string tables;    // Markdown sections between the settings and the claims
    std::vector<Claim> claims;
    std::vector<ObservedMse> observed;  // observed_mse.csv (report/report.h), when the figure runs SK points
};
// The observed-data MSE rows of merged job rows: the rows `keep` picks, their n, g, M and ens columns where present
// (else n, g, M as given), the MSE from `mse_column`.
std::vector<ObservedMse> observed_mse_rows(const CsvTable& merged, const std::string& mse_column,
                                           const std::function<bool(size_t row)>& keep, long n, double g, long M);
// Whether a paper figure's jobs ran the erasure machine: a figure run with another --solver carries a "solver" design
// column (augment_design_params), and its observed MSE is then not the one other figures share.
bool ran_erasure_machine(const CsvTable& merged);
// "batch 256, checkpoints 1000·2^k up to 32000, probe 2000, sampler ddim200eta1" (the settings' diffusion row).
std::string diffusion_setting_text(const AugmentSettings& settings);
// Writes claims.csv, run_info.csv (command, scale, seed, wall time, threads, jobs merged and their summed time) and
// summary.md (heading, headline, settings, tables, claims, the PNG, the command line) into run.out; prints
// summary.md on stdout.
void write_figure_outputs(const FigureRun& run, const MergeResult& merged, size_t design_size,
                          const FigureSummary& summary);

// The common end of a figure command: makes run.out, dispatches the design (runner/jobs.h: --list-jobs, --job K,
// --merge or every unfinished job) and, after a full run or --merge, writes what `summarise` makes of the merged
// rows (write_figure_outputs). Returns the exit status.
int run_figure(const Args& args, const FigureRun& run, const std::vector<Job>& design, const JobFunction& job,
               const std::function<FigureSummary(const CsvTable& merged)>& summarise);
