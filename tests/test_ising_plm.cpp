// Pseudo-likelihood (ising/plm.h) and naive mean-field (ising/meanfield.h) against exact answers: finite
// differences of the per-spin objective, a 2-spin case by hand, agreement with exact MLE on exact samples as M
// grows, independent spins for mean field, and the degenerate inputs (a spin that never flips, separable data).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "../data/rng.h"
#include "../ising/exact.h"
#include "../ising/meanfield.h"
#include "../ising/metropolis.h"
#include "../ising/metrics.h"
#include "../ising/mle.h"
#include "../ising/moments.h"
#include "../ising/plm.h"
#include "../ising/plm_lean.h"
#include "../ising/sk.h"

static Samples exact_samples(const IsingParams& params, int count, uint64_t seed) {
    Rng rng;
    rng_seed(&rng, seed, 0);
    return exact_sample(params, count, &rng);
}

TEST_CASE("PLM: the per-spin gradient matches finite differences of the objective", "[ising][plm]") {
    Rng rng;
    rng_seed(&rng, 5, 0);
    IsingParams truth = draw_sk_params(6, 1.0, &rng);
    Samples samples = exact_samples(truth, 1500, 7);  // more than one 1024-row block
    for (double lambda : {0.0, 0.01}) {
        for (int spin : {0, 3, 5}) {
            std::vector<double> theta(6);
            for (double& t : theta) t = rng_uniform(&rng) - 0.5;
            std::vector<double> gradient;
            plm_spin_objective(samples, spin, theta, lambda, &gradient);
            for (int j = 0; j < 6; j++) {
                const double h = 1e-5;
                std::vector<double> up = theta, down = theta;
                up[j] += h;
                down[j] -= h;
                double numeric = (plm_spin_objective(samples, spin, up, lambda, nullptr) -
                                  plm_spin_objective(samples, spin, down, lambda, nullptr)) / (2 * h);
                CHECK(gradient[j] == Approx(numeric).margin(1e-7));
            }
        }
    }
}

TEST_CASE("PLM: two spins by hand", "[ising][plm]") {
    // Rows (+,+) ×3, (−,−) ×3, (+,−) ×1, (−,+) ×1: symmetric, so b = 0, and p(σ_1 = σ_2) = 3/4 gives
    // 1/(1 + e^{−2w}) = 3/4, w = ½ ln 3 — the exact MLE too (for two spins the pseudo-likelihood is the likelihood
    // up to the marginal of the other spin, which does not depend on w when b = 0).
    Samples samples;
    samples.n = 2;
    for (auto row : {std::vector<float>{1, 1}, {1, 1}, {1, 1}, {-1, -1}, {-1, -1}, {-1, -1}, {1, -1}, {-1, 1}}) {
        samples.spins.insert(samples.spins.end(), row.begin(), row.end());
        samples.count++;
    }
    PlmOptions tight;
    tight.tolerance = 1e-12;
    PlmResult result = plm_fit(samples, tight);
    REQUIRE(result.converged);
    CHECK(result.params.bias[0] == Approx(0.0).margin(1e-9));
    CHECK(result.params.bias[1] == Approx(0.0).margin(1e-9));
    CHECK(result.params.coupling[1] == Approx(0.5 * std::log(3.0)).epsilon(1e-7));
    CHECK(result.params.coupling[2] == Approx(0.5 * std::log(3.0)).epsilon(1e-7));
    CHECK(result.max_iterations <= 10);
}

TEST_CASE("PLM and exact MLE agree on exact samples and both approach the truth as M grows", "[ising][plm]") {
    Rng rng;
    rng_seed(&rng, 11, 0);
    IsingParams truth = draw_sk_params(8, 1.0, &rng);
    double previous_plm = 1e9, previous_mle = 1e9;
    for (int M : {2000, 20000, 200000}) {
        Samples samples = exact_samples(truth, M, 100 + M);
        PlmOptions options;
        options.threads = 2;
        PlmResult plm = plm_fit(samples, options);
        REQUIRE(plm.converged);
        CHECK(plm.max_gradient < 1e-6);
        MleResult mle = exact_mle(sample_moments(samples), MleOptions());
        double mse_plm = parameter_mse(plm.params, truth), mse_mle = parameter_mse(mle.params, truth);
        // Both are consistent estimators with errors of order L/M; they differ by less than their own error.
        CHECK(parameter_mse(plm.params, mle.params) < 0.5 * std::max(mse_plm, mse_mle) + 1e-6);
        CHECK(mse_plm < previous_plm);
        CHECK(mse_mle < previous_mle);
        previous_plm = mse_plm;
        previous_mle = mse_mle;
    }
    CHECK(previous_plm < 2e-4);
}

TEST_CASE("PLM: the thread count does not change the answer beyond rounding", "[ising][plm]") {
    Rng rng;
    rng_seed(&rng, 3, 0);
    IsingParams truth = draw_sk_params(10, 1.0, &rng);
    Samples samples = exact_samples(truth, 5000, 9);
    PlmOptions one, two;
    two.threads = 2;
    IsingParams a = plm_fit(samples, one).params, b = plm_fit(samples, two).params;
    CHECK(parameter_mse(a, b) < 1e-16);
}

TEST_CASE("PLM: a spin that never flips gets a finite bias and a warning list; separable data stay finite",
          "[ising][plm]") {
    Rng rng;
    rng_seed(&rng, 4, 0);
    IsingParams truth = draw_sk_params(4, 1.0, &rng);
    Samples samples = exact_samples(truth, 400, 2);
    for (int mu = 0; mu < samples.count; mu++) samples.spins[mu * 4 + 2] = 1.0f;  // spin 2 always +1
    PlmResult result = plm_fit(samples, PlmOptions());
    REQUIRE(result.constant_spins == std::vector<int>{2});
    CHECK(result.params.bias[2] == Approx(0.5 * std::log(801.0)));
    for (int j = 0; j < 4; j++) CHECK(result.params.coupling[2 * 4 + j] == 0.0);  // not identifiable: held at 0
    for (int j = 0; j < 4; j++) CHECK(result.params.coupling[j * 4 + 2] == 0.0);
    for (double w : result.params.coupling) CHECK(std::isfinite(w));
    // The other spins' fits are those of the data without spin 2 (a constant feature adds nothing).
    Samples without;
    without.n = 3;
    without.count = samples.count;
    for (int mu = 0; mu < samples.count; mu++)
        for (int i : {0, 1, 3}) without.spins.push_back(samples.spins[mu * 4 + i]);
    PlmResult reduced = plm_fit(without, PlmOptions());
    CHECK(result.params.bias[3] == Approx(reduced.params.bias[2]).margin(1e-6));
    CHECK(result.params.coupling[0 * 4 + 3] == Approx(reduced.params.coupling[0 * 3 + 2]).margin(1e-6));
    CHECK(result.separable_spins.empty());
    // Spin 1 a copy of spin 0: w_01 → ∞ without a penalty. The answer stays finite (the couplings grow until the
    // gradient is below the tolerance), and spins 0 and 1 are listed as separable.
    for (int mu = 0; mu < samples.count; mu++) samples.spins[mu * 4 + 1] = samples.spins[mu * 4 + 0];
    PlmResult separable = plm_fit(samples, PlmOptions());
    CHECK(separable.separable_spins == std::vector<int>{0, 1});
    CHECK(separable.params.coupling[1] > 3.0);
    for (double w : separable.params.coupling) CHECK(std::isfinite(w));
    for (double b : separable.params.bias) CHECK(std::isfinite(b));
    // With too few Newton steps allowed it says it did not converge, still finite.
    PlmOptions options;
    options.max_iter = 2;
    PlmResult short_run = plm_fit(samples, options);
    CHECK_FALSE(short_run.converged);
    CHECK_FALSE(short_run.unconverged_spins.empty());
    for (double w : short_run.params.coupling) CHECK(std::isfinite(w));
    // A penalty makes the problem strictly convex: it converges with moderate couplings and nothing separable.
    options.lambda = 1e-3;
    options.max_iter = 100;
    PlmResult penalised = plm_fit(samples, options);
    CHECK(penalised.converged);
    CHECK(penalised.separable_spins.empty());
    CHECK(penalised.params.coupling[1] < separable.params.coupling[1]);
}

TEST_CASE("PLM: lambda chosen by cross-validation is on the grid and the held-out loss is finite", "[ising][plm]") {
    Rng rng;
    rng_seed(&rng, 8, 0);
    IsingParams truth = draw_sk_params(8, 1.0, &rng);
    Samples samples = exact_samples(truth, 300, 4);
    double chosen = -1;
    std::vector<double> scores;
    PlmResult result = plm_fit_auto_lambda(samples, nullptr, 5, PlmOptions(), &chosen, &scores);
    std::vector<double> grid = plm_lambda_grid();
    REQUIRE(scores.size() == grid.size());
    for (double s : scores) CHECK(std::isfinite(s));
    CHECK(std::find(grid.begin(), grid.end(), chosen) != grid.end());
    // With only 300 rows for 36 parameters a penalty helps the held-out pseudo-likelihood.
    CHECK(chosen > 0);
    CHECK(result.converged);
    // plm_mean_loss of the truth on its own samples is near the exact expected conditional entropy (in nats).
    Samples big = exact_samples(truth, 100000, 12);
    CHECK(plm_mean_loss(truth, big) < plm_mean_loss(result.params, big) + 1e-3);
}

TEST_CASE("PLM: a warm start from another lambda reaches the cold start's optimum, on both solvers", "[ising][plm]") {
    Rng rng;
    rng_seed(&rng, 21, 0);
    IsingParams truth = draw_sk_params(20, 1.0, &rng);
    Samples samples = metropolis_sample(truth, 2000, 500, 10, &rng, 1);
    for (int mu = 0; mu < samples.count; mu++) samples.spins[(size_t)mu * 20 + 3] = -1.0f;  // a spin that never flips
    for (bool newton_cg : {false, true}) {
        PlmOptions options;
        options.lambda = 0.01;
        PlmResult nearby = newton_cg ? plm_fit_newton_cg(samples, options) : plm_fit(samples, options);
        REQUIRE(nearby.rows.size() == 400u);
        options.lambda = 0.001;
        PlmResult cold = newton_cg ? plm_fit_newton_cg(samples, options) : plm_fit(samples, options);
        options.start = &nearby.rows;
        PlmResult warm = newton_cg ? plm_fit_newton_cg(samples, options) : plm_fit(samples, options);
        INFO((newton_cg ? "Newton-CG" : "moments") << ": steps cold " << cold.max_iterations << ", warm "
             << warm.max_iterations);
        CHECK(warm.converged);
        CHECK(warm.constant_spins == cold.constant_spins);
        CHECK(warm.max_iterations <= cold.max_iterations);
        for (size_t k = 0; k < cold.params.coupling.size(); k++)
            CHECK(warm.params.coupling[k] == Approx(cold.params.coupling[k]).margin(1e-5));
        for (int i = 0; i < 20; i++) CHECK(warm.params.bias[i] == Approx(cold.params.bias[i]).margin(1e-5));
        std::vector<double> wrong(9, 0.0);
        options.start = &wrong;
        CHECK_THROWS_AS(plm_fit(samples, options), std::invalid_argument);
    }
}

TEST_CASE("PLM: a subset of spins' rows are the full fit's rows for those spins, and score as they do", "[ising][plm]") {
    const int n = 30;
    Rng rng;
    rng_seed(&rng, 23, 0);
    IsingParams truth = draw_sk_params(n, 1.0, &rng);
    Samples samples = metropolis_sample(truth, 1500, 300, 5, &rng, 1);
    for (int mu = 0; mu < samples.count; mu++) samples.spins[(size_t)mu * n + 4] = 1.0f;  // a spin that never flips
    Samples held = metropolis_sample(truth, 500, 300, 5, &rng, 1);
    for (double lambda : {0.0, 0.01}) {
        PlmOptions options;
        options.lambda = lambda;
        options.threads = 2;
        PlmResult full = plm_fit_newton_cg(samples, options);
        const std::vector<int> spins = {29, 4, 0, 17};  // any order, a constant spin among them
        std::vector<PlmSpinOutcome> outcomes;
        std::vector<double> rows = plm_fit_rows(samples, options, spins, &outcomes);
        REQUIRE(rows.size() == spins.size() * n);
        REQUIRE(outcomes.size() == spins.size());
        double loss = 0;
        for (size_t k = 0; k < spins.size(); k++) {
            INFO("lambda " << lambda << ", spin " << spins[k]);
            if (spins[k] != 4) CHECK(outcomes[k].converged);
            for (int j = 0; j < n; j++)
                CHECK(rows[k * n + j] == Approx(full.rows[(size_t)spins[k] * n + j]).margin(1e-6));
            // The held-out loss of spin i's own row, directly.
            for (int mu = 0; mu < held.count; mu++) {
                const float* x = &held.spins[(size_t)mu * n];
                int i = spins[k];
                double h = rows[k * n + i];
                for (int j = 0; j < n; j++)
                    if (j != i) h += rows[k * n + j] * x[j];
                loss += std::log1p(std::exp(-2.0 * x[i] * h)) / (held.count * (double)spins.size());
            }
        }
        CHECK(plm_rows_mean_loss(held, rows, spins) == Approx(loss).epsilon(1e-12));
        // Shared feature moments (the path's) steer the steps only: the same rows.
        std::vector<double> moments = plm_feature_moments(held);
        options.feature_moments = &moments;
        std::vector<double> steered = plm_fit_rows(samples, options, spins, &outcomes);
        for (size_t k = 0; k < rows.size(); k++) CHECK(steered[k] == Approx(rows[k]).margin(1e-5));  // both within the gradient tolerance
    }
    PlmOptions options;
    std::vector<PlmSpinOutcome> outcomes;
    CHECK_THROWS_AS(plm_fit_rows(samples, options, {n}, &outcomes), std::invalid_argument);
}

TEST_CASE("PLM: beyond n = 64 lambda's path scores spread spins' own rows as their cold fits do, picks their argmin, "
          "and the final fit is the cold one", "[ising][plm]") {
    const int n = PLM_NEWTON_CG_ABOVE_N + 20;
    Rng rng;
    rng_seed(&rng, 24, 0);
    IsingParams truth = draw_sk_params(n, 1.0, &rng);
    Samples samples = metropolis_sample(truth, 1200, 300, 5, &rng, 2);
    PlmOptions options;
    options.threads = 2;
    double chosen = -1;
    std::vector<double> scores;
    PlmResult path = plm_fit_auto_lambda(samples, nullptr, 4, options, &chosen, &scores);
    std::vector<double> grid = plm_lambda_grid();
    CHECK(path.converged);
    std::vector<int> spins;
    for (int k = 0; k < PLM_CV_SPINS; k++) spins.push_back(k * n / PLM_CV_SPINS);
    double best_cold = 1e300, best_lambda = -1;
    int fitted = 0;
    for (size_t g = 0; g < grid.size(); g++) {
        if (std::isnan(scores[g])) continue;
        fitted++;
        double cold = 0;
        for (int fold = 0; fold < 4; fold++) {
            long first = samples.count * fold / 4, last = samples.count * (fold + 1) / 4;
            Samples train, held;
            train.n = held.n = n;
            held.count = (int)(last - first);
            train.count = samples.count - held.count;
            held.spins.assign(samples.spins.begin() + first * n, samples.spins.begin() + last * n);
            train.spins.assign(samples.spins.begin(), samples.spins.begin() + first * n);
            train.spins.insert(train.spins.end(), samples.spins.begin() + last * n, samples.spins.end());
            PlmOptions trial = options;
            trial.lambda = grid[g];
            std::vector<PlmSpinOutcome> outcomes;
            cold += plm_rows_mean_loss(held, plm_fit_rows(train, trial, spins, &outcomes), spins) / 4;
        }
        // The looser tolerance of the path's fits moves a score by ~1e-5; neighbouring grid values differ by ~1e-3.
        INFO("lambda " << grid[g]);
        CHECK(scores[g] == Approx(cold).margin(1e-4));
        if (cold < best_cold) best_cold = cold, best_lambda = grid[g];
    }
    // The path runs from the largest λ down: what it fitted is a run at the top of the grid.
    CHECK(fitted >= 3);
    for (size_t g = grid.size() - fitted; g < grid.size(); g++) CHECK(std::isfinite(scores[g]));
    CHECK(chosen == best_lambda);
    options.lambda = chosen;
    PlmResult cold = plm_fit(samples, options);
    for (size_t k = 0; k < cold.params.coupling.size(); k++)
        CHECK(path.params.coupling[k] == Approx(cold.params.coupling[k]).margin(1e-5));
}

TEST_CASE("mean field: exact for independent spins; couplings from the inverse correlation matrix", "[ising][meanfield]") {
    // Independent spins: C is diagonal, so w = 0 and b_i = atanh(m_i) exactly (on the data's own moments).
    IsingParams independent;
    independent.n = 3;
    independent.bias = {0.3, -0.7, 0.0};
    independent.coupling.assign(9, 0.0);
    Samples samples = exact_samples(independent, 200000, 1);
    Moments moments = sample_moments(samples);
    MeanFieldResult mf = mean_field_fit(samples);
    for (int i = 0; i < 3; i++) {
        double field = 0;
        for (int j = 0; j < 3; j++) field += mf.params.coupling[i * 3 + j] * moments.mean[j];
        CHECK(mf.params.bias[i] == Approx(std::atanh(moments.mean[i]) - field).margin(1e-12));
        CHECK(mf.params.bias[i] == Approx(independent.bias[i]).margin(0.01));
    }
    for (int k = 0; k < 9; k++) CHECK(std::fabs(mf.params.coupling[k]) < 0.01);
    // Weak couplings: mean field is first order in w, so it is close to the truth.
    Rng rng;
    rng_seed(&rng, 2, 0);
    IsingParams weak = draw_sk_params(6, 0.2, &rng);
    MeanFieldResult fit = mean_field_fit(exact_samples(weak, 400000, 3));
    CHECK(parameter_mse(fit.params, weak) < 1e-4);
    // A constant spin is clamped and decoupled, everything finite.
    Samples constant = exact_samples(weak, 1000, 5);
    for (int mu = 0; mu < constant.count; mu++) constant.spins[mu * 6 + 4] = -1.0f;
    MeanFieldResult clamped = mean_field_fit(constant);
    CHECK(clamped.constant_spins == std::vector<int>{4});
    CHECK(clamped.params.bias[4] == Approx(-std::atanh(1.0 - 1.0 / 1001.0)));
    for (double w : clamped.params.coupling) CHECK(std::isfinite(w));
}

TEST_CASE("generator fidelity: moment distances match a direct computation", "[ising][fidelity]") {
    // Two hand-made sets of 3 spins: a = {(+,+,−), (−,+,+)}, b = {(+,+,+)}.
    Samples a, b;
    a.n = b.n = 3;
    a.count = 2;
    b.count = 1;
    a.spins = {1, 1, -1, -1, 1, 1};
    b.spins = {1, 1, 1};
    MomentDistance d = moment_distance(sample_moments(a), sample_moments(b));
    // m(a) = (0, 1, 0), m(b) = (1, 1, 1): mean |Δm| = (1 + 0 + 1)/3.
    CHECK(d.magnetisation == Approx(2.0 / 3.0));
    // C(a): C01 = 0 − 0·1 = 0, C02 = −1 − 0 = −1, C12 = 0 − 1·0 = 0; C(b) = 0 everywhere: mean |ΔC| = 1/3.
    CHECK(d.correlation == Approx(1.0 / 3.0));
    // Exact samples against the exact moments: the distance shrinks like 1/√M.
    Rng rng;
    rng_seed(&rng, 21, 0);
    IsingParams truth = draw_sk_params(8, 1.0, &rng);
    Moments exact = exact_moments(truth, nullptr);
    MomentDistance small = moment_distance(sample_moments(exact_samples(truth, 1000, 1)), exact);
    MomentDistance large = moment_distance(sample_moments(exact_samples(truth, 100000, 2)), exact);
    CHECK(large.magnetisation < small.magnetisation / 3);
    CHECK(large.correlation < small.correlation / 3);
    CHECK(small.magnetisation < 0.05);
}

TEST_CASE("PLM and mean field: a row of weight c is c copies of the row (histogram data)", "[ising][plm]") {
    Rng rng;
    rng_seed(&rng, 31, 0);
    IsingParams truth = draw_sk_params(5, 1.0, &rng);
    Samples distinct = exact_samples(truth, 300, 6), repeated;
    repeated.n = distinct.n = 5;
    distinct.weight.resize(distinct.count);
    for (int mu = 0; mu < distinct.count; mu++) {
        int copies = 1 + (int)rng_below(&rng, 4);  // 1 … 4
        distinct.weight[mu] = copies;
        for (int c = 0; c < copies; c++) {
            repeated.spins.insert(repeated.spins.end(), distinct.spins.begin() + mu * 5, distinct.spins.begin() + (mu + 1) * 5);
            repeated.count++;
        }
    }
    PlmOptions tight;
    tight.tolerance = 1e-10;
    CHECK(parameter_mse(plm_fit(distinct, tight).params, plm_fit(repeated, tight).params) < 1e-18);
    CHECK(parameter_mse(mean_field_fit(distinct).params, mean_field_fit(repeated).params) < 1e-20);
    CHECK(plm_mean_loss(truth, distinct) == Approx(plm_mean_loss(truth, repeated)).epsilon(1e-12));
}

TEST_CASE("PLM: copies of a block of rows converge as fast as the block (the Hessian's rows do not alias)", "[ising][plm]") {
    // Issue 30's case: 25 copies of 4000 rows (n = 40). The Hessian takes one row in 4 beyond 32,768 rows; every 4th
    // row would have given it 1000 of the 4000 distinct rows in every copy, and 20 Newton steps instead of 6.
    Rng rng;
    rng_seed(&rng, 77, 0);
    IsingParams truth = draw_sk_params(40, 1.0, &rng);
    Samples block = metropolis_sample(truth, 4000, 1000, 10, &rng, 2);
    Samples copies;
    copies.n = block.n;
    for (int c = 0; c < 25; c++) {
        copies.spins.insert(copies.spins.end(), block.spins.begin(), block.spins.end());
        copies.count += block.count;
    }
    PlmOptions options;
    options.threads = 2;
    PlmResult once = plm_fit(block, options), many = plm_fit(copies, options);
    INFO("Newton steps: block " << once.max_iterations << ", 25 copies " << many.max_iterations);
    CHECK(many.max_iterations <= once.max_iterations + 1);
    CHECK(parameter_mse(once.params, many.params) < 1e-10);
}
