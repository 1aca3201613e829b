// Judging a claim from measured numbers: every verdict in the report is a 95 % test (the guide's Statistics rule).
//   paired   (judge_paired_less)  the member differences d_k = a_k − b_k of the same data and model:
//            95 % interval  mean(d) ± t(0.975, n−1)·sd(d)/√n   (Student's t)
//   unpaired (judge_less)         a − b ± t(0.975, ν)·SE, SE² = sd_a²/n_a + sd_b²/n_b, ν by Welch–Satterthwaite
//   trend    (judge_trend_slope)  least-squares slope over every member's value, slope ± t(0.975, N−2)·SE_slope
// "a < b" is held when the whole interval lies below 0, not held when it lies above, undecided when it holds 0.
// A side with one member has no spread: the verdict is "single run", never held or not held, with its numbers.
// Claims at several points ("at every M") are the intersection of the per-point decisions (judge_all).
// For an undecided claim `needed` is the members it would take to decide, if the measured effect and spread held:
// the smallest n with t(0.975, dof(n))·spread/√n < |effect| (101 = not within 100, so no detectable effect at any
// affordable size). No correction is made for checking many claims; the report says how many would hold by chance.
#pragma once
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "statistics.h"

enum class Verdict { Held, NotHeld, Undecided, SingleRun };
// "held", "not held", "undecided", "single run" (the claims.csv spelling) and back; verdict_parse throws on others.
const char* verdict_name(Verdict verdict);
Verdict verdict_parse(const std::string& text);

// The most members the power estimate looks at; `needed` above it is written as NEEDED_BEYOND_LIMIT.
constexpr int NEEDED_LIMIT = 100;
constexpr int NEEDED_BEYOND_LIMIT = NEEDED_LIMIT + 1;

// A verdict and the numbers behind it. `effect` is the tested quantity (a − b for "a < b"; the slope for a trend)
// with its 95 % interval [low, high]; NaN where there is none (single runs, counts). `needed`: 0 when decided, the
// members an undecided claim would need, NEEDED_BEYOND_LIMIT when not within 100, −1 when unknown (no spread yet).
struct Judgement {
    Verdict verdict = Verdict::Undecided;
    std::string measured;
    int members = -1;  // the independent members behind the verdict, the fewest at any point; −1: not known
    double effect = NAN, low = NAN, high = NAN;
    int needed = -1;
};

// For a judgement of "with augmentation better than without": "helps" (held), "hurts" (not held), "undecided" or
// "single run". fig7_helps.csv and fig8_helps.csv use these words, and the report compares them.
std::string helps_word(const Judgement& judgement);

// An estimate from a single number (count 1, no sd).
Estimate single_run(double value);
// Is a < b? Welch's interval on a − b. Names label the numbers in the measured text. Throws on a non-finite mean.
Judgement judge_less(const std::string& a_name, const Estimate& a, const std::string& b_name, const Estimate& b);
// Is a < b for paired members (the same data and model give a_k and b_k)? Student's t on the differences. Pairing
// removes the between-member spread both sides share.
// When one member's difference is larger in size than all the others' together (n ≥ 5; e.g. a fit that diverged),
// the measured text says so with the others' mean, and an undecided verdict gets `needed` −1.
Judgement judge_paired_less(const std::string& a_name, const std::vector<double>& a, const std::string& b_name,
                            const std::vector<double>& b);
// The same test when only the differences' summary is at hand: is mean(d) < 0, d = a − b over paired members (mean,
// sd and count of d)? `sides` names what was subtracted from what in the measured text. Where every difference is
// exactly 0 (both sides chose the same thing in every member) the claim is undecided with `needed` −1: more members
// of the same kind would not decide it.
Judgement judge_paired_differences(const std::string& sides, const Estimate& d);
// Claims that hold at every point: held if every judgement is held, not held if any is, single run if all are, else
// undecided. `labels` name the points ("g=0.5"); the measured text lists each one; the effect and `needed` are those
// of the point that decides (judge.cpp: combine).
Judgement judge_all(const std::vector<std::string>& labels, const std::vector<Judgement>& judgements);
// Claims that hold at some point ("augmentation helps at some M"): held if any judgement is held, not held if every
// one is, single run if all are, else undecided; the deciding point's effect and members needed.
Judgement judge_any(const std::vector<std::string>& labels, const std::vector<Judgement>& judgements);

// Is a proportion above p0 ("the blind choice is right in most runs": p0 = ½)? successes of trials independent runs,
// the exact (Clopper–Pearson) 95 % interval of the proportion: held when it lies above p0, not held when below.
// Here `effect` is the proportion itself and [low, high] its interval. One trial is a single run.
Judgement judge_proportion_above(const std::string& what, int successes, int trials, double p0);

enum class Trend { Falls, Rises };
// Step by step: each consecutive pair (points in order of x) must move the `trend` way (judge_less), combined as
// judge_all.
Judgement judge_trend_steps(const std::vector<std::string>& labels, const std::vector<Estimate>& points, Trend trend);
// Overall: the least-squares slope of every member's value against x (pass log10 M for a log axis), from the points'
// means, sds and counts, with t(0.975, N − 2), N the number of values. `x_name` labels the axis in the measured text.
Judgement judge_trend_slope(const std::string& x_name, const std::vector<double>& x, const std::vector<Estimate>& points,
                            Trend trend);
// Flat (e.g. the paper's RBM, "relatively consistent performance regardless of the training data size"), as an
// equivalence test: a 95 % test that the change is small, not the absence of a clear trend (which more members
// would always end, and fewer always grant). Flat means the fitted line changes by less than a factor `factor`
// across the x range, |slope|·Δx < (factor − 1)·(the lowest mean); held when the slope's whole 95 % interval
// (judge_trend_slope's) lies inside that band, not held when it lies wholly outside, undecided otherwise. The
// measured text also says whether a trend is clear.
Judgement judge_trend_flat(const std::string& x_name, const std::vector<double>& x, const std::vector<Estimate>& points,
                           double factor);
// U shape (the MSE along diffusion training, Fig. 2e): the smallest mean lies at an interior point and both end
// points are higher than it (each by judge_less). Not held if the smallest is at an end and below the best interior
// point by judge_less; undecided otherwise. Needs ≥ 3 points.
Judgement judge_u_shape(const std::vector<std::string>& labels, const std::vector<Estimate>& points);

// The members a test would need: the smallest n in 2..NEEDED_LIMIT with half_width(n) < |effect|, else
// NEEDED_BEYOND_LIMIT. half_width(n) is the 95 % half-width at n members (it holds the spread measured so far).
int members_needed(double effect, const std::function<double(int)>& half_width);
