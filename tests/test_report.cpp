// The claims report: the judging rules on numbers with known answers, and results/README.md built from small
// synthetic figure directories (one claim held, one not held, one undecided).
#include <catch2/catch.hpp>

#include <algorithm>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "../data/atomic_file.h"
#include "../report/csv.h"
#include "../report/plot.h"
#include "../report/statistics.h"
#include "../report/report.h"

static std::string temp_directory() {
    char pattern[] = "/tmp/repro_test_report_XXXXXX";
    REQUIRE(mkdtemp(pattern) != nullptr);
    return pattern;
}

static Estimate estimate(double mean, double sd, int count) {
    Estimate result;
    result.mean = mean;
    result.sd = sd;
    result.count = count;
    return result;
}

TEST_CASE("report: Student's t quantiles and CDF against tabulated values", "[report]") {
    // Two-sided 95 % critical values t(0.975, dof) from standard tables.
    const double table[][2] = {{1, 12.7062}, {2, 4.3027}, {3, 3.1824}, {4, 2.7764}, {6, 2.4469}, {9, 2.2622},
                               {29, 2.0452}, {120, 1.9799}};
    for (const auto& row : table) CHECK(student_t_quantile(0.975, row[0]) == Approx(row[1]).epsilon(1e-4));
    CHECK(student_t_quantile(0.995, 9) == Approx(3.2498).epsilon(1e-4));
    CHECK(student_t_quantile(0.025, 9) == Approx(-2.2622).epsilon(1e-4));
    CHECK(student_t_quantile(0.975, 1e6) == Approx(1.95997).epsilon(1e-4));
    // ν = 2 has a closed form: P(T ≤ t) = 1/2 + t / (2·sqrt(2 + t²)).
    for (double t : {-3.0, -0.5, 0.0, 1.0, 2.0, 10.0}) CHECK(student_t_cdf(t, 2) == Approx(0.5 + t / (2 * std::sqrt(2 + t * t))));
    // ν = 1 is the Cauchy distribution: 1/2 + atan(t)/π.
    CHECK(student_t_cdf(1.7, 1) == Approx(0.5 + std::atan(1.7) / M_PI));
    CHECK(student_t_quantile(0.975, 2.5) > student_t_quantile(0.975, 3));  // fractional dof (Welch) in between
    CHECK(student_t_quantile(0.975, 2.5) < student_t_quantile(0.975, 2));
}

TEST_CASE("report: proportions by the exact Clopper-Pearson interval; the beta distribution", "[report]") {
    CHECK(beta_cdf(0.5, 2, 3) == Approx(11.0 / 16));  // I_½(2, 3) = 11/16
    CHECK(beta_quantile(11.0 / 16, 2, 3) == Approx(0.5).epsilon(1e-9));
    // Tabulated Clopper-Pearson intervals: 7 of 10 → [0.3475, 0.9333]; 0 of 10 → [0, 0.3085]; 27 of 27 → [0.8723, 1].
    Judgement seven = judge_proportion_above("right", 7, 10, 0.5);
    CHECK(seven.low == Approx(0.3475).epsilon(1e-3));
    CHECK(seven.high == Approx(0.9333).epsilon(1e-3));
    CHECK(seven.verdict == Verdict::Undecided);
    CHECK(seven.needed > 10);
    Judgement none = judge_proportion_above("right", 0, 10, 0.5);
    CHECK(none.low == 0);
    CHECK(none.high == Approx(0.3085).epsilon(1e-3));
    CHECK(none.verdict == Verdict::NotHeld);
    Judgement all = judge_proportion_above("right", 27, 27, 0.5);
    CHECK(all.low == Approx(std::pow(0.025, 1.0 / 27)).epsilon(1e-6));
    CHECK(all.verdict == Verdict::Held);
    CHECK_THAT(all.measured, Catch::Contains("27 of 27"));
    CHECK(judge_proportion_above("right", 1, 1, 0.5).verdict == Verdict::SingleRun);
}

TEST_CASE("report: a < b is a 95 % test: paired t, Welch, single runs; members needed", "[report]") {
    // Paired, 3 members, d = {-1.5, -1, -0.5}: t = 3.46. The old 2·SE rule held it; t(0.975, 2) = 4.30 does not.
    Judgement three = judge_paired_less("a", {1, 2, 3}, "b", {2.5, 3, 3.5});
    CHECK(three.verdict == Verdict::Undecided);
    CHECK(three.effect == Approx(-1));
    CHECK(three.low == Approx(-1 - 4.3027 * 0.5 / std::sqrt(3.0)).epsilon(1e-4));
    CHECK(three.high == Approx(-1 + 4.3027 * 0.5 / std::sqrt(3.0)).epsilon(1e-4));
    CHECK(three.needed == 4);  // t(0.975, 3)·0.5/2 = 0.80 < 1, and n = 3 was not enough
    CHECK_THAT(three.measured, Catch::Contains("paired, n = 3; mean difference -1, 95 % CI ["));
    Judgement clear = judge_paired_less("a", {1, 2, 3}, "b", {2, 3, 4.5});
    CHECK(clear.verdict == Verdict::Held);
    CHECK(clear.needed == 0);
    CHECK(judge_paired_less("a", {3, 4, 5}, "b", {1, 2, 3.5}).verdict == Verdict::NotHeld);
    // No effect at all: not within 100 members.
    CHECK(judge_paired_less("a", {1, 2, 3}, "b", {1.1, 1.9, 3}).needed == NEEDED_BEYOND_LIMIT);
    // Identical sides in every member (both rules picked the same): undecided, and not a question of members.
    Judgement same = judge_paired_less("a", {1, 2, 3}, "b", {1, 2, 3});
    CHECK(same.verdict == Verdict::Undecided);
    CHECK(same.needed == -1);
    CHECK_THAT(same.measured, Catch::Contains("every paired difference is exactly 0"));
    // One member carrying the mean (a diverged fit): said in the text with the others' mean; no members-needed figure.
    Judgement carried = judge_paired_less("plm", {0.014, 0.015, 1544, 0.013, 0.017, 0.012}, "em",
                                          {0.011, 0.012, 0.010, 0.011, 0.013, 0.012});
    CHECK(carried.verdict == Verdict::Undecided);
    CHECK(carried.needed == -1);
    CHECK_THAT(carried.measured, Catch::Contains("one member's difference (1.54e+03) outweighs the other 5 together "
                                                 "(their mean 0.0024)"));
    Judgement ordinary = judge_paired_less("a", {1, 2, 3, 4, 5}, "b", {1.5, 2.4, 3.7, 4.2, 5.9});
    CHECK_THAT(ordinary.measured, !Catch::Contains("outweighs"));

    // Welch, n = 4 each, sd 2: SE = sqrt(2), ν = 6, t = 2.447, half-width 3.46.
    Judgement welch = judge_less("a", estimate(1, 2, 4), "b", estimate(4, 2, 4));
    CHECK(welch.verdict == Verdict::Undecided);  // 2·SE = 2.83 < 3 would have held it
    CHECK(welch.high == Approx(-3 + 2.4469 * std::sqrt(2.0)).epsilon(1e-4));
    CHECK(judge_less("a", estimate(1, 2, 4), "b", estimate(5, 2, 4)).verdict == Verdict::Held);
    CHECK(judge_less("a", estimate(5, 2, 4), "b", estimate(1, 2, 4)).verdict == Verdict::NotHeld);
    CHECK(welch.needed > 4);

    // Single runs are never held or not held.
    Judgement single = judge_less("aug", single_run(0.004), "obs", single_run(0.005));
    CHECK(single.verdict == Verdict::SingleRun);
    CHECK_THAT(single.measured, Catch::Contains("single run") && Catch::Contains("aug 0.004") && Catch::Contains("obs 0.005"));
    CHECK(judge_paired_less("a", {1}, "b", {2}).verdict == Verdict::SingleRun);
    CHECK(judge_less("a", single_run(2), "b", estimate(1, 0.1, 10)).verdict == Verdict::SingleRun);
    CHECK_THROWS(judge_less("a", single_run(NAN), "b", single_run(1)));
    for (Verdict v : {Verdict::Held, Verdict::NotHeld, Verdict::Undecided, Verdict::SingleRun})
        CHECK(verdict_parse(verdict_name(v)) == v);
    CHECK_THROWS(verdict_parse("maybe"));

    // At every point: the intersection; the weakest point's effect and members needed.
    Judgement all = judge_all({"g=0.5", "g=1"}, {clear, three});
    CHECK(all.verdict == Verdict::Undecided);
    CHECK(all.needed == 4);
    CHECK(all.effect == Approx(-1));
    CHECK_THAT(all.measured, Catch::Contains("g=1: ") && Catch::Contains("[undecided]"));
    CHECK(judge_all({"p", "q"}, {clear, judge_paired_less("a", {3, 4, 5}, "b", {1, 2, 3.5})}).verdict == Verdict::NotHeld);
    CHECK(judge_all({"p", "q"}, {single, single}).verdict == Verdict::SingleRun);
    // A point going the wrong way decides "at every point" at its own members needed: 3 members show +1 ± (t·0.5/√3).
    Judgement wrong = judge_paired_less("a", {2.5, 3, 3.5}, "b", {1, 2, 3});
    Judgement slow = judge_paired_less("a", {1, 2, 3}, "b", {1.5, 2.0, 3.4});  // right way, needs 6 members
    REQUIRE(wrong.verdict == Verdict::Undecided);
    REQUIRE(slow.verdict == Verdict::Undecided);
    REQUIRE(slow.needed > wrong.needed);
    Judgement every = judge_all({"p", "q"}, {slow, wrong});
    CHECK(every.needed == wrong.needed);
    CHECK(every.effect == Approx(1));
    // At some point: one held point decides, and it is the one shown.
    Judgement some = judge_any({"p", "q", "r"}, {wrong, clear, three});
    CHECK(some.verdict == Verdict::Held);
    CHECK(some.effect == Approx(clear.effect));
    CHECK(some.needed == 0);
    CHECK(judge_any({"p", "q"}, {judge_paired_less("a", {3, 4, 5}, "b", {1, 2, 3.5}), wrong}).verdict == Verdict::Undecided);
    Judgement none = judge_any({"p", "q"}, {slow, wrong});
    CHECK(none.verdict == Verdict::Undecided);
    CHECK(none.needed == slow.needed);  // the right-way point decides "at some point"
}

TEST_CASE("report: trends and U shape", "[report]") {
    std::vector<std::string> labels = {"1000", "2000", "4000", "8000"};
    std::vector<double> log_m = {3, std::log10(2000.0), std::log10(4000.0), std::log10(8000.0)};
    std::vector<Estimate> falling = {estimate(10, 0.1, 10), estimate(8, 0.1, 10), estimate(6, 0.1, 10), estimate(4, 0.1, 10)};
    CHECK(judge_trend_steps(labels, falling, Trend::Falls).verdict == Verdict::Held);
    CHECK(judge_trend_steps(labels, falling, Trend::Rises).verdict == Verdict::NotHeld);
    CHECK(judge_trend_slope("log10 M", log_m, falling, Trend::Falls).verdict == Verdict::Held);
    // One flat noisy step: step by step undecided, the overall slope still clearly down.
    std::vector<Estimate> noisy = {estimate(10, 0.1, 10), estimate(8, 0.1, 10), estimate(7.95, 0.1, 10), estimate(4, 0.1, 10)};
    CHECK(judge_trend_steps(labels, noisy, Trend::Falls).verdict == Verdict::Undecided);
    CHECK(judge_trend_slope("log10 M", log_m, noisy, Trend::Falls).verdict == Verdict::Held);
    // The slope over every member's value, t with N − 2 dof: values {4,5,6} at x = 0, {2,3,4} at 1, {0,1,2} at 2.
    // Least squares: slope −2, residual sum of squares 6, s² = 6/7, Sxx = 6, t(0.975, 7) = 2.3646.
    Judgement line = judge_trend_slope("x", {0, 1, 2}, {estimate(5, 1, 3), estimate(3, 1, 3), estimate(1, 1, 3)}, Trend::Falls);
    CHECK(line.verdict == Verdict::Held);
    CHECK(line.effect == Approx(-2));
    CHECK(line.high == Approx(-2 + 2.3646 * std::sqrt(6.0 / 7 / 6)).epsilon(1e-4));
    CHECK(judge_trend_slope("x", {0, 1, 2}, {estimate(5, 1, 3), estimate(3, 1, 3), estimate(1, 1, 3)}, Trend::Rises).verdict ==
          Verdict::NotHeld);
    CHECK(judge_trend_slope("x", {0, 1, 2}, {single_run(5), single_run(3), single_run(1)}, Trend::Falls).verdict ==
          Verdict::SingleRun);
    // Huge error bars: the slope cannot be told from zero.
    std::vector<Estimate> vague = {estimate(10, 50, 3), estimate(8, 50, 3), estimate(6, 50, 3), estimate(4, 50, 3)};
    Judgement unclear = judge_trend_slope("log10 M", log_m, vague, Trend::Falls);
    CHECK(unclear.verdict == Verdict::Undecided);
    CHECK(unclear.needed > 3);

    // Flat as an equivalence test (band: a factor 1.5 across the range). Fig. 5's RBM as committed: a clear but small
    // fall, its whole interval inside the band: held, and the text says the fall is clear.
    std::vector<double> two_m = {3, std::log10(4000.0)};
    Judgement rbm = judge_trend_flat("log10 M", two_m, {estimate(0.0111, 0.001, 10), estimate(0.0095, 0.0021, 10)}, 1.5);
    CHECK(rbm.verdict == Verdict::Held);
    CHECK(rbm.measured.find("falls clearly") != std::string::npos);
    CHECK(rbm.high < 0.5 * 0.0095 / std::log10(4.0));
    // Tripling: its whole interval beyond the band.
    CHECK(judge_trend_flat("log10 M", two_m, {estimate(0.01, 0.001, 10), estimate(0.03, 0.001, 10)}, 1.5).verdict ==
          Verdict::NotHeld);
    // No clear trend is not flatness: with wide error bars the interval leaves the band, undecided.
    Judgement wide = judge_trend_flat("log10 M", two_m, {estimate(0.01, 0.01, 3), estimate(0.0105, 0.01, 3)}, 1.5);
    CHECK(wide.verdict == Verdict::Undecided);
    CHECK(wide.measured.find("no clear trend") != std::string::npos);
    CHECK(judge_trend_flat("x", {0, 1}, {single_run(1), single_run(1.1)}, 1.5).verdict == Verdict::SingleRun);

    std::vector<std::string> iterations = {"1k", "32k", "1M"};
    CHECK(judge_u_shape(iterations, {single_run(0.017), single_run(0.004), single_run(0.0054)}).verdict == Verdict::SingleRun);
    CHECK(judge_u_shape(iterations, {estimate(0.017, 0.001, 5), estimate(0.004, 0.001, 5), estimate(0.008, 0.001, 5)})
              .verdict == Verdict::Held);
    CHECK(judge_u_shape(iterations, {estimate(0.017, 0.001, 5), estimate(0.006, 0.001, 5), estimate(0.003, 0.001, 5)})
              .verdict == Verdict::NotHeld);
    CHECK(judge_u_shape(iterations, {estimate(0.017, 0.001, 5), estimate(0.004, 0.001, 5), estimate(0.0045, 0.001, 5)})
              .verdict == Verdict::Undecided);  // the last end is not clearly higher
    CHECK_THROWS(judge_u_shape({"a", "b"}, {single_run(1), single_run(2)}));
}

TEST_CASE("report: results/README.md from synthetic figure directories", "[report]") {
    std::string results = temp_directory();
    make_directories(results + "/fig3");
    make_directories(results + "/fig10");  // numeric order: fig3 before fig10
    // fig3: observed vs augmented MSE over 3 ensembles at two g; its claims judged from the CSV.
    CsvTable mse = csv_table({"g", "series", "mse"});
    double obs[2][3] = {{0.010, 0.011, 0.012}, {0.020, 0.021, 0.019}};
    double aug[2][3] = {{0.005, 0.006, 0.004}, {0.030, 0.031, 0.029}};
    for (int g = 0; g < 2; g++)
        for (int e = 0; e < 3; e++) {
            csv_add_row(&mse, {csv_integer(g + 1), "obs", csv_number(obs[g][e])});
            csv_add_row(&mse, {csv_integer(g + 1), "aug", csv_number(aug[g][e])});
        }
    csv_write(results + "/fig3/fig3.csv", mse);
    std::vector<Group> groups = group_estimates(csv_read(results + "/fig3/fig3.csv"), {"g", "series"}, "mse");
    std::vector<Claim> claims = {
        make_claim("fig3", "augmented < observed at g = 1", judge_less("aug", group_lookup(groups, {"1", "aug"}), "obs",
                                                                        group_lookup(groups, {"1", "obs"}))),
        make_claim("fig3", "augmented < observed at g = 2", judge_less("aug", group_lookup(groups, {"2", "aug"}), "obs",
                                                                        group_lookup(groups, {"2", "obs"}))),
        make_claim("fig3", "observed MSE at g = 2 < at g = 1 + 0.0095",
                   judge_less("obs g=2", group_lookup(groups, {"2", "obs"}), "obs g=1 + 0.0095",
                              estimate(group_lookup(groups, {"1", "obs"}).mean + 0.0095, 0.001, 3))),
    };
    REQUIRE(claims[0].verdict == Verdict::Held);       // 0.005 ± 0.001 vs 0.011 ± 0.001
    REQUIRE(claims[1].verdict == Verdict::NotHeld);    // 0.030 vs 0.020
    REQUIRE(claims[2].verdict == Verdict::Undecided);  // 0.020 vs 0.0205, SE ≈ 0.0008
    write_claims(results + "/fig3/claims.csv", claims);
    std::vector<Claim> back = read_claims(results + "/fig3/claims.csv");
    REQUIRE(back.size() == 3);
    CHECK(back[1].verdict == Verdict::NotHeld);
    // claims.csv has no commas inside cells (numpy reads it): ',' comes back as ';'.
    std::string measured = claims[0].measured;
    std::replace(measured.begin(), measured.end(), ',', ';');
    CHECK(back[0].measured == measured);
    write_file_atomic(results + "/fig3/summary.md",
                      "# Fig. 3 — MSE vs coupling scale g\n\nAugmentation helped at g = 1 | not at 2.\n\n## Details\n\nmore\n");
    write_run_info(results + "/fig3/run_info.csv",
                   {{"command", "repro fig3 --scale quick"}, {"scale", "quick"}, {"seed", "1"}, {"wall_seconds", "754"},
                    {"jobs", "5 of 6"}});
    CHECK_THROWS_WITH(write_run_info(results + "/fig3/bad.csv", {{"command", "x"}}), Catch::Contains("scale"));
    write_file_atomic(results + "/fig3/fig3.png", "not really a png");
    // fig10 was re-rendered by a quick merge (2 s) of jobs that took 600 s: the run time counts the jobs.
    write_run_info(results + "/fig10/run_info.csv", {{"command", "repro fig10"}, {"scale", "quick"}, {"seed", "1"},
                                                     {"wall_seconds", "2"}, {"job_seconds_total", "600"}});

    write_results_readme(results, {{"fig6", "failed: no retina data"}});
    std::string readme = read_file(results + "/README.md");
    CHECK_THAT(readme, Catch::Contains("never edited by hand"));
    CHECK_THAT(readme, Catch::Contains("3 claims: 1 held, 1 not held, 1 undecided (0 of them with no detectable effect "
                                       "within 100 members), 0 single runs."));
    CHECK_THAT(readme, Catch::Contains("about 0.1 of the 3 tested claims would be held by chance alone"));
    // At a glance: claim, verdict, effect [95 % interval], members, members needed.
    // fig3's run is still going (5 of 6 jobs merged): its verdicts are flagged as provisional.
    CHECK_THAT(readme, Catch::Contains("**Partial run: 5 of 6 jobs merged.** Its verdicts are provisional"));
    CHECK_THAT(readme, Catch::Contains("| fig3 (partial: 5 of 6 jobs) | augmented < observed at g = 1 | held | -0.006 ["));
    CHECK_THAT(readme, Catch::Contains("] | 3 | — |"));
    CHECK_THAT(readme, Catch::Contains("| aug 0.005 ± 0.001 vs obs 0.011 ± 0.001"));  // the figure's full table
    CHECK_THAT(readme, Catch::Contains("| **not held** |"));
    CHECK_THAT(readme, Catch::Contains("| undecided | -0.0005 ["));
    CHECK(readme.find("2·SE") == std::string::npos);
    CHECK_THAT(readme, Catch::Contains("## Fig. 3 — MSE vs coupling scale g"));
    CHECK_THAT(readme, Catch::Contains("Augmentation helped at g = 1 | not at 2."));
    CHECK_THAT(readme, Catch::Contains("![fig3/fig3.png](fig3/fig3.png)"));
    CHECK_THAT(readme, Catch::Contains("| wall time | 12.6 min |"));
    CHECK_THAT(readme, Catch::Contains("Run time: computing these results took 22.6 min (fig3 12.6 min, fig10 10.0 min)"));
    CHECK_THAT(readme, Catch::Contains("| command | `repro fig3 --scale quick` |"));
    CHECK_THAT(readme, Catch::Contains("**Note:** failed: no retina data"));
    CHECK_THAT(readme, Catch::Contains("(no claims.csv"));  // fig10 has none
    CHECK(readme.find("## Fig. 3") < readme.find("## Fig. 6"));
    CHECK(readme.find("## Fig. 6") < readme.find("## Fig. 10"));
    std::system(("rm -rf '" + results + "'").c_str());
}

TEST_CASE("report: each judging helper counts the members behind its verdict; claims.csv keeps them", "[report]") {
    CHECK(judge_paired_less("a", {1, 2, 3}, "b", {2, 3, 4}).members == 3);
    CHECK(judge_less("a", estimate(0.2, 0.05, 10), "b", estimate(0.3, 0.05, 4)).members == 4);
    CHECK(judge_less("a", single_run(0.1), "b", single_run(0.2)).members == 1);
    CHECK(judge_trend_steps({"x", "y"}, {estimate(0.2, 0.05, 5), estimate(0.1, 0.05, 3)}, Trend::Falls).members == 3);
    CHECK(judge_trend_slope("M", {1, 2}, {estimate(0.2, 0.05, 5), estimate(0.1, 0.05, 6)}, Trend::Falls).members == 5);
    CHECK(judge_u_shape({"a", "b", "c"}, {estimate(0.3, 0.01, 4), estimate(0.1, 0.01, 4), estimate(0.3, 0.01, 4)})
              .members == 4);
    Judgement all = judge_all({"p", "q"}, {judge_paired_less("a", {1, 2}, "b", {2, 3}),
                                            judge_paired_less("a", {1, 2, 3}, "b", {2, 3, 4})});
    CHECK(all.members == 2);  // the fewest at any point
    std::string dir = temp_directory();
    std::vector<Claim> claims = {make_claim("fig3", "counted", all), make_claim("fig3", "not counted", Judgement{})};
    write_claims(dir + "/claims.csv", claims);
    std::vector<Claim> back = read_claims(dir + "/claims.csv");
    REQUIRE(back.size() == 2);
    CHECK(back[0].members == 2);
    CHECK(back[1].members == -1);
    // A claims.csv from before the members column still reads, members unknown.
    write_file_atomic(dir + "/old.csv", std::string("figure,claim,measured,verdict\nfig3,c,m,held\n"));
    CHECK(read_claims(dir + "/old.csv").at(0).members == -1);
    CHECK(read_claims(dir + "/old.csv").at(0).needed == -1);
    // The interval and the members needed go through claims.csv.
    Judgement undecided = judge_paired_less("a", {1, 2, 3}, "b", {2.5, 3, 3.5});
    write_claims(dir + "/t.csv", {make_claim("fig2", "t", undecided)});
    Claim read = read_claims(dir + "/t.csv").at(0);
    CHECK(read.verdict == Verdict::Undecided);
    CHECK(read.needed == 4);
    CHECK(read.low == Approx(undecided.low));
    CHECK(read.high == Approx(undecided.high));
    std::system(("rm -rf '" + dir + "'").c_str());
}

TEST_CASE("plot: the gnuplot script names columns by number and refuses unknown ones", "[report][plot]") {
    std::string dir = temp_directory();
    CsvTable table = csv_table({"series", "g", "mse_mean", "mse_sd"});
    csv_add_row(&table, {"obs", "1", "0.01", "0.001"});
    csv_add_row(&table, {"aug", "1", "0.005", ""});
    csv_write(dir + "/fig.csv", table);
    double w[4] = {0, 0.5, 0.5, 0};
    write_matrix_text(dir + "/w.txt", w, 2, 2);
    PlotPanel curves;
    curves.log_x = true;
    curves.series.push_back({"fig.csv", "g", "mse_mean", "mse_sd", "series", "aug",
                             style_line("black", LineKind::Solid, Marker::FilledCircle), "aug"});
    curves.references.push_back({0.01, LineKind::Dashed, "black", "obs"});
    PlotPanel heatmap;
    heatmap.kind = PanelKind::Heatmap;
    heatmap.matrix_file = "w.txt";
    PlotLayout layout;
    layout.cols = 2;
    std::string script = plot_script(dir, "fig", {curves, heatmap}, layout, "pngcairo");
    CHECK_THAT(script, Catch::Contains("set output 'fig.png'"));
    CHECK_THAT(script, Catch::Contains("set multiplot layout 1,2"));
    // 'aug' is a single run (its sd cell is empty): no error bars at all, not zero-length ones.
    CHECK_THAT(script, Catch::Contains("'fig.csv' using 2:(strcol(1) eq 'aug' ? $3 : NaN) with linespoints"));
    PlotPanel with_sd = curves;
    with_sd.series[0].where_value = "obs";
    CHECK_THAT(plot_script(dir, "fig", {with_sd}, PlotLayout(), "png"),
               Catch::Contains("'fig.csv' using 2:(strcol(1) eq 'obs' ? $3 : NaN):(strcol(4) eq '' ? 0 : column(4))"
                               " with yerrorlines"));
    // A log axis gets labelled tics at 1, 2, 3, 5, 7 per decade and minor tics.
    CHECK_THAT(script, Catch::Contains("set mxtics 10\nset format x '%g'\nset for [k=-12:12] xtics add (2*10**k, 3*10**k, 5*10**k, 7*10**k)"));
    CHECK_THAT(script, Catch::Contains("0.01 with lines lc rgb '#000000' dt 2"));
    CHECK_THAT(script, Catch::Contains("set cbrange [-0.5:0.5]"));
    CHECK_THAT(script, Catch::Contains("'w.txt' matrix with image"));
    curves.series[0].y = "mse";
    CHECK_THROWS_WITH(plot_script(dir, "fig", {curves}, PlotLayout(), "png"), Catch::Contains("no column 'mse'"));
    CHECK_THROWS(plot_script(dir, "fig", {curves, heatmap}, PlotLayout(), "png"));  // 2 panels in a 1×1 layout
    std::system(("rm -rf '" + dir + "'").c_str());
}

TEST_CASE("plot: panels are lettered a, b, c, ... in order, and w_{ij} is written plainly", "[report][plot]") {
    std::string dir = temp_directory();
    double w[4] = {0, 0.5, 0.5, 0};
    write_matrix_text(dir + "/w.txt", w, 2, 2);
    PlotPanel panel;
    panel.kind = PanelKind::Heatmap;
    panel.matrix_file = "w.txt";
    std::vector<PlotPanel> panels(4, panel);
    panels[0].title = "(a) true w_{ij}";
    panels[1].title = "(a) again";
    panels[2].title = "no letter";
    panels[3].title = "(c') gain";
    PlotLayout layout;
    layout.cols = 4;
    std::string script = plot_script(dir, "fig", panels, layout, "png");
    CHECK_THAT(script, Catch::Contains("set title '(a) true w_ij'"));
    CHECK_THAT(script, Catch::Contains("set title '(b) again'"));
    CHECK_THAT(script, Catch::Contains("set title 'no letter'"));
    CHECK_THAT(script, Catch::Contains("set title '(c) gain'"));
    std::system(("rm -rf '" + dir + "'").c_str());
}

TEST_CASE("report: a '|' inside a claim is escaped in summary.md tables", "[report]") {
    Claim claim;
    claim.figure = "fig2";
    claim.text = "over-trained";
    claim.measured = "|MSE_aug(last) - MSE_obs| 0.002\nvs 0.003";
    claim.verdict = Verdict::Undecided;
    std::string md = claims_markdown({claim});
    std::string row = md.substr(md.find("| over-trained"));
    CHECK(row == "| over-trained | \\|MSE_aug(last) - MSE_obs\\| 0.002 vs 0.003 | undecided |\n");
    CHECK(markdown_cell("a|b") == "a\\|b");
}

TEST_CASE("report: markdown tables, settings and estimate texts", "[report]") {
    CHECK(markdown_table({"g", "MSE"}, "lr", {{"0.5", "a|b"}}) == "| g | MSE |\n|---|---:|\n| 0.5 | a\\|b |\n");
    CHECK_THROWS(markdown_table({"g", "MSE"}, "l", {}));
    CHECK_THROWS(markdown_table({"g"}, "l", {{"1", "2"}}));
    CHECK(settings_markdown({{"n", "40"}}) == "## Settings\n\n| setting | value |\n|---|---|\n| n | 40 |\n\n");
    Estimate two = estimate_of({0.004, 0.0046});  // mean 0.0043, sd 0.000424...
    CHECK(estimate_text(two) == "0.0043 ± 0.00042");
    CHECK(estimate_text(two, 4) == "0.0043 ± 0.00042");
    CHECK(estimate_text(estimate_of({0.93124})) == "0.931");     // a single run: no sd
    CHECK(estimate_text(estimate_of({0.93124}), 4) == "0.9312");
}

TEST_CASE("report: a figure's variant folder (fig2-long) is reported after the figure", "[report]") {
    std::string results = "build/test_tmp/report_variants";
    if (path_exists(results)) REQUIRE(std::system(("rm -rf " + results).c_str()) == 0);
    for (const char* name : {"fig3", "fig2-long", "fig2", "fig2-", "fig2-Long", "figure"}) {
        make_directories(results + "/" + name);
        write_file_atomic(results + "/" + name + "/summary.md", std::string("# Heading of ") + name + "\n\ntext\n");
    }
    std::string readme = results_readme_text(results);
    size_t fig2 = readme.find("## Heading of fig2\n"), fig2_long = readme.find("## Heading of fig2-long\n");
    size_t fig3 = readme.find("## Heading of fig3\n");
    REQUIRE(fig2 != std::string::npos);
    REQUIRE(fig2_long != std::string::npos);
    REQUIRE(fig3 != std::string::npos);
    CHECK(fig2 < fig2_long);
    CHECK(fig2_long < fig3);
    for (const char* other : {"fig2-\n", "fig2-Long\n", "figure\n"}) CHECK(readme.find(std::string("## Heading of ") + other) == std::string::npos);
}

TEST_CASE("report: fig8's blind verdicts beside fig7's at the shared points", "[report]") {
    std::string results = temp_directory();
    CHECK(assess_against_fig7_section(results).empty());  // neither file: no section
    make_directories(results + "/fig7");
    make_directories(results + "/fig8");
    CsvTable fig7 = csv_table({"n", "g", "M", "solver", "members", "verdict", "mse_change", "low", "high"});
    csv_add_row(&fig7, {"40", "1", "500", "em", "10", "helps", "-0.003", "-0.004", "-0.002"});
    csv_add_row(&fig7, {"40", "1", "500", "plm", "10", "hurts", "0.002", "0.001", "0.003"});
    csv_add_row(&fig7, {"40", "1", "1000", "em", "10", "undecided", "-0.001", "-0.002", "0.001"});
    csv_write(results + "/fig7/fig7_helps.csv", fig7);
    CsvTable fig8 = csv_table({"n", "g", "M", "solver", "members", "blind", "blind_score_gain", "truth",
                               "true_mse_change"});
    csv_add_row(&fig8, {"40", "1.0", "500", "em", "3", "helps", "0.05", "helps", "-0.002"});       // both decided, agree
    csv_add_row(&fig8, {"40", "1", "500", "plm", "3", "helps", "0.01", "undecided", "0.001"});     // both decided, differ
    csv_add_row(&fig8, {"40", "1", "1000", "em", "3", "undecided", "0.01", "undecided", "0.0"});   // fig7 undecided
    csv_add_row(&fig8, {"40", "0.5", "500", "em", "3", "helps", "0.01", "helps", "-0.001"});       // not in fig7
    csv_add_row(&fig8, {"20", "1", "500", "em", "3", "helps", "0.01", "helps", "-0.001"});         // another n
    csv_write(results + "/fig8/fig8_helps.csv", fig8);
    std::string section = assess_against_fig7_section(results);
    INFO(section);
    CHECK(section.find("Of the 3 shared (point, solver) pairs, fig8's blind verdict and fig7's are both decided in 2, "
                       "and agree in 1; fig8's true verdict on its own fits equals fig7's in 2 of 3.") != std::string::npos);
    CHECK(section.find("| 1.0 | 500 | em | helps (3; 0.05) | helps (-0.002) | helps (10; -0.003) |") != std::string::npos);
    CHECK(section.find("0.5 | 500") == std::string::npos);
}
