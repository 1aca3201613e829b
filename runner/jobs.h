// The job/merge runner every ensemble figure shares (fig3–fig6): a figure's design is a list of independent jobs
// (one point × one ensemble member each); any job can run alone on any machine and writes its own part file; a merge
// combines whatever parts exist. This is what lets the paper-scale design spread over a cluster (a Slurm array, GNU
// parallel over ssh) with a shared output directory, and lets an interrupted run continue where it stopped.
//
// On disk, under a figure's output directory OUT:
//   OUT/parts/design.csv    the design (job, id, params): a rerun with a different design into the same OUT is an
//                           error instead of silently mixing parts of two designs
//   OUT/parts/job_K.csv     job K's rows: columns job, job_id, job_seconds (its wall time), then the job's
//                           parameters, then the figure's columns
// Both are written atomically (write to a temporary, then rename), so an interrupted run loses at most the job in
// progress, and a part file that exists is complete.
//
// Command-line behaviour (jobs_dispatch, options from job_options()):
//   --list-jobs   print the design, one line per job: "K<TAB>id<TAB>key=value key=value ..."
//   --job K       run job K only (0-based, like a Slurm array index); skipped if its part file exists
//   --merge       only merge the parts that exist (reports the missing jobs by index and id)
//   (none)        run every unfinished job serially in design order with a progress line, then merge
#pragma once
#include <cstdio>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "args.h"
#include "../report/csv.h"

struct Job {
    std::string id;                                          // e.g. "g=1.5/ens=3": names the job in logs and listings
    std::vector<std::pair<std::string, std::string>> params;  // key → value, in the design's order
};

// A job whose id is its parameters joined as "k1=v1/k2=v2/...".
Job job_make(const std::vector<std::pair<std::string, std::string>>& params);
// The full grid of `axes` (each: a key and its values), first axis slowest; every job gets the id of job_make.
// Example: design_grid({{"g", {"0.5", "1"}}, {"ens", {"0", "1", "2"}}}) → 6 jobs, g=0.5/ens=0 ... g=1/ens=2.
std::vector<Job> design_grid(const std::vector<std::pair<std::string, std::vector<std::string>>>& axes);
// A parameter of a job; throw naming the job and the key if absent or (for the numeric forms) malformed.
const std::string& job_param(const Job& job, const std::string& key);
double job_double(const Job& job, const std::string& key);
long long job_int(const Job& job, const std::string& key);

// What a job computes: the rows of its result (any columns but job, job_id, job_seconds and the parameter names,
// which the runner adds in front). It must draw its randomness from a seed derived from the job (e.g. --seed and the job
// index), so that a job gives the same rows whichever machine runs it, alone or in a sequence.
using JobFunction = std::function<CsvTable(const Job& job, int index)>;

// The options jobs_dispatch reads: --list-jobs, --job K, --merge. Append them to a figure's option table.
std::vector<OptionSpec> job_options();

// OUT/parts/job_K.csv
std::string job_part_path(const std::string& out_dir, int index);
// Prints the design as --list-jobs does.
void jobs_list(const std::vector<Job>& design, FILE* stream);
// Runs job `index` unless its part file exists; returns true if it ran. Throws (naming the job) if the job throws.
bool jobs_run_one(const std::string& out_dir, const std::vector<Job>& design, int index, const JobFunction& run_job);
// Runs every job whose part is missing, in order; unless quiet prints to stderr before each job
// "[i/T] job K (g=1.5 ens=3), elapsed E, ETA R" (i of the T jobs to run; K its design index) and after it
// "[i/T] job K done in D". Returns the number of jobs it ran.
int jobs_run_all(const std::string& out_dir, const std::vector<Job>& design, const JobFunction& run_job, bool quiet);

struct MergeResult {
    CsvTable table;            // all parts' rows in job order; columns: the union of the parts' columns in order of
                               // first appearance (a cell a part lacks is empty)
    std::vector<int> missing;  // indices of jobs without a part file
    int jobs_done = 0;         // parts found
    double job_seconds_total = 0;  // sum of the found jobs' wall times (to estimate the cost of a full design)
};
// Reads every existing part (checking it belongs to this design) and concatenates them.
MergeResult jobs_merge(const std::string& out_dir, const std::vector<Job>& design);
// "missing 2 of 20 jobs: 3 (g=1.5/ens=3), 17 (g=2/ens=7)", or "" if none is missing.
std::string jobs_missing_text(const std::vector<Job>& design, const std::vector<int>& missing);

// The whole command-line behaviour above. Returns true when the figure should go on and write its CSV, plots and
// summary from `merged` (after a full run or --merge), false when it should stop (after --list-jobs or --job K).
// Writes OUT/parts/design.csv (or checks it against the design). Prints the missing jobs after a merge.
bool jobs_dispatch(const Args& args, const std::string& out_dir, const std::vector<Job>& design,
                   const JobFunction& run_job, MergeResult* merged);
