// repro assess (issue 30): sampling from one's own parameters, the goodness-of-fit statistics, repeated rows as
// weights, the paired t verdicts, and the command end to end on a tiny synthetic data set.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <string>
#include <unistd.h>
#include <vector>

#include "../cli/commands.h"
#include "../data/atomic_file.h"
#include "../data/collapse.h"
#include "../data/formats.h"
#include "../data/rng.h"
#include "../ising/exact.h"
#include "../ising/goodness.h"
#include "../ising/metropolis.h"
#include "../ising/moments.h"
#include "../ising/plm.h"
#include "../ising/plm_lean.h"
#include "../ising/sk.h"
#include "../data/student_t.h"
#include "../method/assess.h"
#include "../report/csv.h"
#include "../report/report.h"

using Catch::Matchers::Contains;

static std::string assess_temp_dir() {
    char name[] = "/tmp/repro_assess_XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    return name;
}

static int run_command(int (*command)(int, char**), std::vector<std::string> words) {
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(&word[0]);
    return command((int)argv.size(), argv.data());
}

// All 2^n states, each weighted by its exact probability: statistics of this "data set" are the model's.
static Samples enumerated(const IsingParams& params) {
    int n = params.n;
    std::vector<double> energy((size_t)1 << n);
    exact_energies(params, energy.data());
    double log_partition = 0;
    exact_moments(params, &log_partition);
    Samples all;
    all.n = n;
    all.count = 1 << n;
    for (int s = 0; s < all.count; s++) {
        for (int i = 0; i < n; i++) all.spins.push_back((s >> i) & 1 ? 1.0f : -1.0f);
        all.weight.push_back(std::exp(-energy[s] - log_partition));
    }
    return all;
}

static void check_moments_exact(const IsingParams& params, const Samples& samples, double tolerance) {
    double dm = 0, dc = 0;
    largest_moment_errors(samples, exact_moments(params, nullptr), &dm, &dc);
    INFO("largest |dm| " << dm << ", |dC| " << dc);
    CHECK(dm < tolerance);
    CHECK(dc < tolerance);
}

TEST_CASE("assess: repro sample --params draws from one's own parameters in either gauge", "[assess][ising]") {
    std::string dir = assess_temp_dir();
    Rng rng;
    rng_seed(&rng, 5, 0);
    IsingParams params = draw_sk_params(6, 1.0, &rng);
    params.bias[0] = 0.8;  // a strong field, as a sparsely firing neuron has
    write_params(dir + "/p.txt", params, "own parameters");
    REQUIRE(run_command(command_sample, {"repro", "sample", "--params", dir + "/p.txt", "--M", "20000", "--out",
                                         dir + "/s.txt", "--quiet", "--threads", "2"}) == 0);
    Samples samples = read_samples(dir + "/s.txt", true);
    REQUIRE(samples.n == 6);
    REQUIRE(samples.count == 20000);
    check_moments_exact(params, samples, 0.04);  // ~5 standard errors at M = 20,000
    CHECK_FALSE(path_exists(dir + "/s.truth.txt"));  // the truth is the user's own file
    // The 0/1 gauge: marked by infer --format 01's comment line, or said by --gauge 01 for a bare file of h and J.
    write_params(dir + "/h.txt", params_to_zero_one(params), "made by hand, gauge 0/1");
    write_params(dir + "/bare.txt", params_to_zero_one(params));
    REQUIRE(run_command(command_sample, {"repro", "sample", "--params", dir + "/h.txt", "--M", "20000", "--out",
                                         dir + "/s01.txt", "--quiet", "--format", "01"}) == 0);
    REQUIRE(run_command(command_sample, {"repro", "sample", "--params", dir + "/bare.txt", "--gauge", "01", "--M",
                                         "20000", "--out", dir + "/bare_s.txt", "--quiet", "--format", "01"}) == 0);
    Samples zero_one = read_samples(dir + "/s01.txt", true);
    check_moments_exact(params, zero_one, 0.04);
    CHECK(read_file(dir + "/bare_s.txt") == read_file(dir + "/s01.txt"));
    CHECK_THROWS_WITH(run_command(command_sample, {"repro", "sample", "--params", dir + "/p.txt", "--n", "6", "--out",
                                                   dir + "/x.txt"}), Contains("--n is not used with --params"));
    CHECK_THROWS_WITH(run_command(command_sample, {"repro", "sample", "--params", dir + "/h.txt", "--gauge", "pm1",
                                                   "--out", dir + "/x.txt"}), Contains("says 'gauge 0/1'"));
    CHECK_THROWS_WITH(run_command(command_sample, {"repro", "sample", "--params", dir + "/p.txt", "--out", dir + "/p.txt"}),
                      Contains("--params"));
}

TEST_CASE("assess: goodness-of-fit statistics are the exact ones on an enumerated model", "[assess][ising]") {
    Rng rng;
    rng_seed(&rng, 6, 0);
    IsingParams params = draw_sk_params(5, 1.5, &rng);
    params.bias[2] = -0.7;
    Samples all = enumerated(params);
    std::vector<int> triplets = goodness_triplets(5, GOODNESS_MAX_TRIPLETS, &rng);
    REQUIRE(triplets.size() == 3 * 10);
    SpinStatistics stats = spin_statistics(all, triplets);
    // Direct sums over the states: m_i, <s_i s_j>, <s_i s_j s_k>, and the connected forms from them.
    int n = 5;
    std::vector<double> m(n, 0);
    auto expect = [&](auto f) {
        double sum = 0;
        for (int s = 0; s < all.count; s++) sum += all.weight[s] * f(&all.spins[(size_t)s * n]);
        return sum;
    };
    for (int i = 0; i < n; i++) m[i] = expect([&](const float* x) { return x[i]; });
    size_t pair = 0;
    for (int i = 0; i < n; i++) {
        CHECK(stats.magnetisation[i] == Approx(m[i]).margin(1e-6));
        for (int j = i + 1; j < n; j++, pair++)
            CHECK(stats.pair[pair] == Approx(expect([&](const float* x) { return x[i] * x[j]; }) - m[i] * m[j]).margin(1e-6));
    }
    for (size_t t = 0; t < triplets.size() / 3; t++) {
        int i = triplets[3 * t], j = triplets[3 * t + 1], k = triplets[3 * t + 2];
        REQUIRE((i < j && j < k));
        double ijk = expect([&](const float* x) { return x[i] * x[j] * x[k]; });
        double ij = expect([&](const float* x) { return x[i] * x[j]; }), ik = expect([&](const float* x) { return x[i] * x[k]; }),
               jk = expect([&](const float* x) { return x[j] * x[k]; });
        CHECK(stats.triplet[t] == Approx(ijk - m[i] * jk - m[j] * ik - m[k] * ij + 2 * m[i] * m[j] * m[k]).margin(1e-6));
    }
    // Samples of the model come within their noise; samples of another model do not.
    Samples drawn = metropolis_sample(params, 20000, 1000, 20, &rng, 2);
    StatisticsDistance close = statistics_distance(spin_statistics(drawn, triplets), stats);
    CHECK(close.magnetisation < 0.02);
    CHECK(close.pair < 0.02);
    CHECK(close.triplet < 0.02);
    IsingParams other = params;
    for (double& w : other.coupling) w *= 0.3;
    StatisticsDistance far = statistics_distance(spin_statistics(enumerated(other), triplets), stats);
    CHECK(far.pair > 5 * close.pair);
    // Beyond the cap: distinct sorted triplets drawn at random.
    std::vector<int> some = goodness_triplets(40, 50, &rng);
    REQUIRE(some.size() == 150);
}

TEST_CASE("assess: repeated rows collapse into weights that give the same fit", "[assess][ising]") {
    Samples rows = parse_samples("1 1 -1\n-1 -1 -1\n1 1 -1\n1 -1 1\n-1 -1 -1\n1 1 -1\n-1 1 1\n", "r.txt");
    Samples distinct = collapse_repeated_rows(rows);
    REQUIRE(distinct.count == 4);
    CHECK(distinct.weight == std::vector<double>{3, 2, 1, 1});
    CHECK(std::vector<float>(distinct.spins.begin(), distinct.spins.begin() + 3) == std::vector<float>{1, 1, -1});
    PlmOptions options;
    options.lambda = 0.01;
    PlmResult a = plm_fit(rows, options), b = plm_fit(distinct, options);
    for (int k = 0; k < 9; k++) CHECK(b.params.coupling[k] == Approx(a.params.coupling[k]).margin(1e-6));
    for (int i = 0; i < 3; i++) CHECK(b.params.bias[i] == Approx(a.params.bias[i]).margin(1e-6));
}

TEST_CASE("assess: paired verdicts over folds by the corrected resampled t (Nadeau & Bengio)", "[assess]") {
    CHECK(student_t_quantile(0.975, 1) == Approx(12.706205));
    CHECK(student_t_quantile(0.975, 4) == Approx(2.776445));
    CHECK(student_t_quantile(0.975, 31) == Approx(2.039513).margin(2e-4));
    CHECK(student_t_quantile(0.975, 100) == Approx(1.983972).margin(1e-4));
    CHECK(assess_paired_verdict({0.1, 0.12, 0.09}).verdict == "helps");
    CHECK(assess_paired_verdict({-0.1, -0.12, -0.09}).verdict == "hurts");
    CHECK(assess_paired_verdict({0.1, -0.12, 0.05}).verdict == "undecided");
    CHECK(assess_paired_verdict({0.3}).verdict == "single run");
    // mean 2, sd √(2/3), K = 4: Nadeau & Bengio's half-width t(3)·sd·√(1/4 + 1/3), not t(3)·sd/√4.
    PairedVerdict v = assess_paired_verdict({1, 2, 3, 2});
    CHECK(v.half_width == Approx(3.182446 * std::sqrt(2.0 / 3.0) * std::sqrt(1.0 / 4 + 1.0 / 3)));
    // Decided by the plain interval (mean 0.1, ± 0.078), undecided by the corrected one (± 0.119).
    CHECK(assess_paired_verdict({0.04, 0.16, 0.1, 0.1}).verdict == "undecided");
}

TEST_CASE("assess: the command on a tiny data set writes its answer and resumes", "[assess]") {
    std::string dir = assess_temp_dir();
    Rng rng;
    rng_seed(&rng, 8, 0);
    IsingParams truth = draw_sk_params(8, 1.0, &rng);
    Samples data = exact_sample(truth, 240, &rng);
    SampleFormat format;
    format.zero_one = true;
    format.delimiter = ',';
    for (int i = 0; i < 8; i++) format.names.push_back("cell_" + std::to_string(i));
    write_samples(dir + "/data.csv", data, format);
    std::vector<std::string> words = {"repro", "assess", dir + "/data.csv", "--out", dir + "/out", "--folds", "2",
                                      "--iterations", "40", "--M-plus", "200", "--widths", "16,16,16", "--steps", "10",
                                      "--eps-count", "5", "--gof-samples", "300", "--batch", "64", "--quiet", "--threads", "2"};
    REQUIRE(run_command(command_assess, words) == 0);
    CsvTable scores = csv_read(dir + "/out/scores.csv");
    CHECK(scores.rows.size() == 2 * (1 + 5 * 3));  // folds × (independent + 5 solvers × 3 data sets)
    std::string summary = read_file(dir + "/out/summary.md");
    CHECK_THAT(summary, Contains("the best pipeline by the held-out log-likelihood"));
    CHECK_THAT(summary, Contains("exact MLE"));
    IsingParams params = read_params(dir + "/out/params.txt");
    CHECK(params.n == 8);
    CHECK(path_exists(dir + "/out/parts/fold_1.csv"));
    // Resuming: the folds are read back, not run again, and the answer is the same.
    std::string scores_text = read_file(dir + "/out/scores.csv");
    REQUIRE(run_command(command_assess, words) == 0);
    CHECK(read_file(dir + "/out/scores.csv") == scores_text);
    // Other settings are refused, not mixed in.
    words[10] = "300";  // --M-plus
    CHECK_THROWS_WITH(run_command(command_assess, words), Contains("other data or settings"));
    CHECK_THROWS_WITH(run_command(command_assess, {"repro", "assess", dir + "/data.csv", "--out", dir + "/o2", "--folds",
                                                   "1"}), Contains("--folds 1 leaves no held-out rows"));
    write_samples(dir + "/six.csv", exact_sample(truth, 6, &rng), format);
    CHECK_THROWS_WITH(run_command(command_assess, {"repro", "assess", dir + "/six.csv", "--out", dir + "/o3", "--quiet"}),
                      Contains("6 rows cannot make 4 folds of at least 2 rows each: give --folds 3 or fewer"));
    // One held-out test file: a single run, no t-test; the test file is an input the outputs may not replace.
    write_samples(dir + "/test.csv", exact_sample(truth, 100, &rng), format);
    REQUIRE(run_command(command_assess, {"repro", "assess", dir + "/data.csv", "--test", dir + "/test.csv", "--out",
                                         dir + "/single", "--iterations", "20", "--M-plus", "100", "--widths", "16,16,16",
                                         "--steps", "5", "--eps-count", "3", "--gof-samples", "200", "--solvers",
                                         "plm,mf", "--quiet"}) == 0);
    CHECK_THAT(read_file(dir + "/single/summary.md"), Contains("single run"));
    CHECK(csv_read(dir + "/single/scores.csv").rows.size() == 1 + 2 * 3);
}

TEST_CASE("assess: infer gives repeated rows to the solver as weights, with the same result", "[assess][own]") {
    std::string dir = assess_temp_dir();
    Rng rng;
    rng_seed(&rng, 9, 0);
    IsingParams truth = draw_sk_params(6, 1.0, &rng);
    Samples once = exact_sample(truth, 300, &rng);
    Samples copies = once;
    for (int c = 0; c < 4; c++) append_samples(&copies, once, "copies");
    write_samples(dir + "/once.txt", once);
    write_samples(dir + "/copies.txt", copies);
    for (const std::string solver : {"plm", "mf", "em"}) {
        std::vector<std::string> grid = solver == "em" ? std::vector<std::string>{"--eps-range", "0.3:0.7", "--eps-count", "3"}
                                                       : std::vector<std::string>{};  // the grid is the erasure machine's
        std::vector<std::string> once_words = {"repro", "infer", dir + "/once.txt", "--solver", solver, "--out", dir + "/p1.txt", "--quiet"};
        std::vector<std::string> copies_words = {"repro", "infer", dir + "/copies.txt", "--solver", solver, "--out", dir + "/p5.txt", "--quiet"};
        once_words.insert(once_words.end(), grid.begin(), grid.end());
        copies_words.insert(copies_words.end(), grid.begin(), grid.end());
        REQUIRE(run_command(command_infer, once_words) == 0);
        REQUIRE(run_command(command_infer, copies_words) == 0);
        IsingParams a = read_params(dir + "/p1.txt"), b = read_params(dir + "/p5.txt");
        for (int k = 0; k < 36; k++) CHECK(b.coupling[k] == Approx(a.coupling[k]).margin(1e-6));
        for (int i = 0; i < 6; i++) CHECK(b.bias[i] == Approx(a.bias[i]).margin(1e-6));
    }
    CHECK_THAT(read_file(dir + "/p5.txt"), Contains("distinct rows as weights"));
}

TEST_CASE("assess: Newton-CG pseudo-likelihood (the path for n beyond ~700) reaches plm.h's optimum", "[assess][ising]") {
    Rng rng;
    rng_seed(&rng, 10, 0);
    IsingParams truth = draw_sk_params(24, 1.0, &rng);
    Samples samples = metropolis_sample(truth, 3000, 1000, 10, &rng, 2);
    for (int mu = 0; mu < samples.count; mu++) samples.spins[(size_t)mu * 24 + 5] = 1.0f;  // a spin that never flips
    for (double lambda : {0.0, 0.001}) {
        PlmOptions options;
        options.lambda = lambda;
        options.threads = 2;
        PlmResult hessian = plm_fit(samples, options), cg = plm_fit_newton_cg(samples, options);
        CHECK(cg.converged);
        CHECK(cg.constant_spins == hessian.constant_spins);
        double largest = 0;
        for (size_t k = 0; k < cg.params.coupling.size(); k++)
            largest = std::max(largest, std::fabs(cg.params.coupling[k] - hessian.params.coupling[k]));
        for (int i = 0; i < 24; i++) largest = std::max(largest, std::fabs(cg.params.bias[i] - hessian.params.bias[i]));
        INFO("lambda " << lambda << ": largest difference " << largest << ", Newton steps " << cg.max_iterations);
        CHECK(largest < 1e-4);  // both stop at |gradient| < 1e-6; the curvature there is O(0.1)
        CHECK(cg.max_iterations <= 15);
    }
}

TEST_CASE("fig8: the blind choice against the true MSE at a tiny scale", "[figures][assess]") {
    std::string out = assess_temp_dir() + "/fig8";
    REQUIRE(run_command(command_fig8, {"repro", "fig8", "--out", out, "--n", "6", "--g-list", "1", "--M-list", "120",
                                       "--members", "2", "--folds", "2", "--M-plus", "100", "--generator-iterations",
                                       "20", "--batch", "16", "--sampler", "ddim", "--steps", "5", "--eps-count", "3",
                                       "--threads", "1", "--quiet", "--store", "none"}) == 0);
    CsvTable picks = csv_read(out + "/fig8.csv");
    REQUIRE(picks.rows.size() == 2);  // one row per member
    for (size_t r = 0; r < picks.rows.size(); r++) CHECK(csv_double(picks, r, "mse_ratio") >= 1.0);
    CHECK(csv_read(out + "/parts/job_0.csv").rows.size() == 5 * 3);  // solvers (mle at n = 6) × data sets
    CsvTable job = csv_read(out + "/parts/job_0.csv");
    for (size_t r = 0; r < job.rows.size(); r++) CHECK(csv_double(job, r, "mse") > 0);  // the fold fits against the truth
    std::string summary = read_file(out + "/summary.md");
    CHECK_THAT(summary, Contains("picked the MSE-best"));
    CHECK_THAT(summary, Contains("Blind verdict against the true one"));
    std::vector<Claim> claims = read_claims(out + "/claims.csv");
    REQUIRE(claims.size() == 3);
    CHECK(claims[0].members == 2);  // two member runs: a proportion with an exact interval
    CHECK(std::isfinite(claims[0].low));
}
