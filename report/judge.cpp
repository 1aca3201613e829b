// The 95 % tests behind every verdict (judge.h): Student's t on paired differences, Welch's interval for unpaired
// estimates, t with N − 2 degrees of freedom for a least-squares slope; and the members an undecided claim needs.
#include "judge.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

std::string helps_word(const Judgement& judgement) {
    return judgement.verdict == Verdict::Held ? "helps" : judgement.verdict == Verdict::NotHeld ? "hurts"
                                                                                                : verdict_name(judgement.verdict);
}

const char* verdict_name(Verdict verdict) {
    switch (verdict) {
        case Verdict::Held: return "held";
        case Verdict::NotHeld: return "not held";
        case Verdict::Undecided: return "undecided";
        case Verdict::SingleRun: return "single run";
    }
    return "undecided";
}

Verdict verdict_parse(const std::string& text) {
    if (text == "held") return Verdict::Held;
    if (text == "not held") return Verdict::NotHeld;
    if (text == "undecided") return Verdict::Undecided;
    if (text == "single run") return Verdict::SingleRun;
    throw std::runtime_error("unknown verdict '" + text + "' (expected held, not held, undecided or single run)");
}

Estimate single_run(double value) {
    Estimate estimate;
    estimate.mean = value;
    estimate.sd = NAN;
    estimate.count = 1;
    return estimate;
}

static std::string number(double value, int digits = 3) {
    char text[32];
    std::snprintf(text, sizeof text, "%.*g", digits, value);
    return text;
}

static bool has_spread(const Estimate& estimate) { return estimate.count >= 2 && std::isfinite(estimate.sd); }

static void check_finite(const std::string& name, const Estimate& estimate) {
    if (!std::isfinite(estimate.mean))
        throw std::runtime_error("judging a claim: the value of '" + name + "' is not a finite number");
}

int members_needed(double effect, const std::function<double(int)>& half_width) {
    if (!std::isfinite(effect) || effect == 0) return NEEDED_BEYOND_LIMIT;
    for (int n = 2; n <= NEEDED_LIMIT; n++)
        if (half_width(n) < std::fabs(effect)) return n;
    return NEEDED_BEYOND_LIMIT;
}

// The verdict of "effect < 0" from its 95 % interval, with `needed` for an undecided one.
static void decide(Judgement* j, double effect, double half, const std::function<double(int)>& half_width_at) {
    j->effect = effect;
    j->low = effect - half;
    j->high = effect + half;
    j->verdict = j->high < 0 ? Verdict::Held : j->low > 0 ? Verdict::NotHeld : Verdict::Undecided;
    j->needed = j->verdict == Verdict::Undecided ? members_needed(effect, half_width_at) : 0;
}

// "−0.0021, 95 % CI [−0.0035, −0.0007]"
static std::string interval_text(const Judgement& j) {
    return number(j.effect, 2) + ", 95 % CI [" + number(j.low, 2) + ", " + number(j.high, 2) + "]";
}

Judgement judge_less(const std::string& a_name, const Estimate& a, const std::string& b_name, const Estimate& b) {
    check_finite(a_name, a);
    check_finite(b_name, b);
    Judgement j;
    j.members = std::min(a.count, b.count);
    if (!has_spread(a) || !has_spread(b)) {
        j.verdict = Verdict::SingleRun;
        j.measured = a_name + " " + number(a.mean) + " vs " + b_name + " " + number(b.mean) + " (single run)";
        return j;
    }
    double va = a.sd * a.sd, vb = b.sd * b.sd;
    double se = std::sqrt(va / a.count + vb / b.count);
    // Welch–Satterthwaite degrees of freedom; with no spread on either side the difference is exact.
    auto welch_dof = [](double wa, double wb, double na, double nb) {
        double denominator = wa * wa / (na - 1) + wb * wb / (nb - 1);
        return denominator > 0 ? (wa + wb) * (wa + wb) / denominator : INFINITY;
    };
    double dof = welch_dof(va / a.count, vb / b.count, a.count, b.count);
    double half = se > 0 ? student_t_quantile(0.975, dof) * se : 0;
    decide(&j, a.mean - b.mean, half, [&](int n) {  // n members on each side, the same sds
        double wa = va / n, wb = vb / n;
        return student_t_quantile(0.975, welch_dof(wa, wb, n, n)) * std::sqrt(wa + wb);
    });
    std::string counts = a.count == b.count ? "n = " + std::to_string(a.count)
                                            : "n = " + std::to_string(a.count) + ", " + std::to_string(b.count);
    j.measured = a_name + " " + estimate_text(a) + " vs " + b_name + " " + estimate_text(b) + " (mean ± sd, " + counts +
                 "; difference " + interval_text(j) + ", Welch ν = " + number(dof, 3) + ")";
    return j;
}

// One member can carry a mean: a fit that diverged (plain PLM on 500 rows in fig7) differs from its pair by orders
// of magnitude more than the other members do. The t test stays the verdict, but the text says so and gives the other
// members' mean, and an undecided claim gets no members-needed figure (the spread is that one member's, and more
// members would decide only how often such a fit diverges). Rule: at least 5 members, and one difference larger in
// size than all the others' together.
static void note_dominant_member(const std::vector<double>& difference, Judgement* j) {
    const size_t n = difference.size();
    if (n < 5) return;
    size_t top = 0;
    for (size_t k = 1; k < n; k++)
        if (std::fabs(difference[k]) > std::fabs(difference[top])) top = k;
    double others_size = 0, others_sum = 0;
    for (size_t k = 0; k < n; k++)
        if (k != top) others_size += std::fabs(difference[k]), others_sum += difference[k];
    if (!(std::fabs(difference[top]) > others_size)) return;
    j->measured += "; one member's difference (" + number(difference[top]) + ") outweighs the other " +
                   std::to_string(n - 1) + " together (their mean " + number(others_sum / (n - 1)) + ")";
    if (j->verdict == Verdict::Undecided) j->needed = -1;
}

Judgement judge_paired_less(const std::string& a_name, const std::vector<double>& a, const std::string& b_name,
                            const std::vector<double>& b) {
    if (a.size() != b.size() || a.empty()) throw std::runtime_error("judge_paired_less: need as many a as b, at least one");
    std::vector<double> difference(a.size());
    for (size_t k = 0; k < a.size(); k++) difference[k] = a[k] - b[k];
    Estimate d = estimate_of(difference), mean_a = estimate_of(a), mean_b = estimate_of(b);
    check_finite(a_name, mean_a);
    check_finite(b_name, mean_b);
    Judgement j = judge_paired_differences(a_name + " " + estimate_text(mean_a) + " vs " + b_name + " " + estimate_text(mean_b), d);
    note_dominant_member(difference, &j);
    return j;
}

Judgement judge_paired_differences(const std::string& sides, const Estimate& d) {
    check_finite(sides, d);
    Judgement j;
    j.members = d.count;
    if (!has_spread(d)) {
        j.verdict = Verdict::SingleRun;
        j.measured = sides + " (single run)";
        return j;
    }
    auto half_width = [&](int n) { return student_t_quantile(0.975, n - 1) * d.sd / std::sqrt((double)n); };
    decide(&j, d.mean, half_width(d.count), half_width);
    j.measured = sides + " (paired, n = " + std::to_string(d.count) + "; mean difference " + interval_text(j) + ")";
    if (d.mean == 0 && d.sd == 0) {  // the sides coincide in every member: no effect to size, so no members needed
        j.needed = -1;
        j.measured += "; every paired difference is exactly 0";
    }
    return j;
}

// The exact interval: low = B⁻¹(0.025; x, n − x + 1), high = B⁻¹(0.975; x + 1, n − x) (0 and 1 at the ends).
Judgement judge_proportion_above(const std::string& what, int successes, int trials, double p0) {
    if (trials < 1 || successes < 0 || successes > trials) throw std::runtime_error("judge_proportion_above: need 0 <= successes <= trials, trials >= 1");
    Judgement j;
    j.members = trials;
    j.effect = (double)successes / trials;
    std::string counts = what + " " + std::to_string(successes) + " of " + std::to_string(trials);
    if (trials == 1) {
        j.verdict = Verdict::SingleRun;
        j.measured = counts + " (single run)";
        return j;
    }
    j.low = successes == 0 ? 0.0 : beta_quantile(0.025, successes, trials - successes + 1);
    j.high = successes == trials ? 1.0 : beta_quantile(0.975, successes + 1, trials - successes);
    j.verdict = j.low > p0 ? Verdict::Held : j.high < p0 ? Verdict::NotHeld : Verdict::Undecided;
    // Members needed: the normal approximation of the interval's half-width at the measured proportion.
    double spread = std::sqrt(j.effect * (1 - j.effect));
    j.needed = j.verdict != Verdict::Undecided ? 0
               : spread == 0 ? -1
               : members_needed(j.effect - p0, [&](int n) { return 1.96 * spread / std::sqrt((double)n); });
    j.measured = counts + " = " + number(j.effect, 2) + ", exact 95 % interval [" + number(j.low, 2) + ", " +
                 number(j.high, 2) + "] (against " + number(p0, 2) + ")";
    return j;
}

// A combined claim over points, "at every point" (`every`) or "at some point": its verdict, and the point that decides
// it, whose effect and interval it shows and whose members needed it takes. At every point: held needs every point
// held (the weakest held one decides), one not-held point refutes it; an undecided point whose effect goes the wrong
// way would refute it at its own members needed (the fewest such decide), else every undecided point must come out
// held (the one needing most decides). At some point: the mirror image.
// |effect| / half-width of its 95 % interval (> 1: decided), from the interval itself; picks the deciding point.
static double strength(const Judgement& j) {
    double half = 0.5 * (j.high - j.low);
    return half > 0 ? std::fabs(j.effect) / half : INFINITY;
}

static Judgement combine(const std::vector<std::string>& labels, const std::vector<Judgement>& judgements, bool every) {
    if (labels.size() != judgements.size() || judgements.empty())
        throw std::runtime_error("judge_all/judge_any: need one label per judgement, and at least one");
    Judgement all;
    int count = (int)judgements.size(), held = 0, not_held = 0, single = 0;
    for (size_t i = 0; i < judgements.size(); i++) {
        held += judgements[i].verdict == Verdict::Held;
        not_held += judgements[i].verdict == Verdict::NotHeld;
        single += judgements[i].verdict == Verdict::SingleRun;
        if (judgements[i].members >= 0)
            all.members = all.members < 0 ? judgements[i].members : std::min(all.members, judgements[i].members);
        all.measured += (i ? "; " : "") + labels[i] + ": " + judgements[i].measured + " [" +
                        verdict_name(judgements[i].verdict) + "]";
    }
    Verdict win = every ? Verdict::NotHeld : Verdict::Held;   // one such point decides the claim
    Verdict need = every ? Verdict::Held : Verdict::NotHeld;  // every point must be such to decide it the other way
    int wins = every ? not_held : held, needs = every ? held : not_held;
    all.verdict = single == count ? Verdict::SingleRun : wins > 0 ? win : needs == count ? need : Verdict::Undecided;
    // Undecided: an undecided point whose effect goes the `win` way decides at its members needed (the fewest such);
    // without one, every undecided point must come out the `need` way (the one needing most decides).
    auto wins_way = [&](const Judgement& p) { return p.verdict == Verdict::Undecided && ((p.effect > 0) == every); };
    auto needed = [](const Judgement& p) { return p.needed < 0 ? INT32_MAX : p.needed; };
    auto better = [&](const Judgement& a, const Judgement& b) {  // is a a better representative than b?
        if (all.verdict == win) return a.verdict == win && (b.verdict != win || strength(a) > strength(b));
        if (all.verdict == need) return strength(a) < strength(b);
        if (wins_way(a) != wins_way(b)) return wins_way(a);
        if ((a.verdict == Verdict::Undecided) != (b.verdict == Verdict::Undecided)) return a.verdict == Verdict::Undecided;
        return wins_way(a) ? needed(a) < needed(b) : needed(a) > needed(b);
    };
    size_t chosen = 0;
    for (size_t i = 1; i < judgements.size(); i++)
        if (better(judgements[i], judgements[chosen])) chosen = i;
    const Judgement& point = judgements[chosen];
    all.effect = point.effect;
    all.low = point.low;
    all.high = point.high;
    all.needed = all.verdict == Verdict::Undecided ? (single > 0 ? -1 : point.needed)
                 : all.verdict == Verdict::SingleRun ? -1 : 0;
    return all;
}

Judgement judge_all(const std::vector<std::string>& labels, const std::vector<Judgement>& judgements) {
    return combine(labels, judgements, true);
}

Judgement judge_any(const std::vector<std::string>& labels, const std::vector<Judgement>& judgements) {
    return combine(labels, judgements, false);
}

static void check_points(const char* helper, size_t labels_or_x, const std::vector<Estimate>& points, size_t minimum) {
    if (labels_or_x != points.size() || points.size() < minimum)
        throw std::runtime_error(std::string(helper) + ": need one label/x per point and at least " +
                                 std::to_string(minimum) + " points");
}

// "0.0168 (1k) → 0.0134 (2k) → ..."
static std::string series_text(const std::vector<std::string>& labels, const std::vector<Estimate>& points) {
    std::string text;
    for (size_t i = 0; i < points.size(); i++) text += (i ? " → " : "") + estimate_text(points[i]) + " (" + labels[i] + ")";
    return text;
}

Judgement judge_trend_steps(const std::vector<std::string>& labels, const std::vector<Estimate>& points, Trend trend) {
    check_points("judge_trend_steps", labels.size(), points, 2);
    std::vector<Judgement> steps;
    std::vector<std::string> step_labels;
    for (size_t i = 0; i + 1 < points.size(); i++) {
        // Falls: the later point is less than the earlier one; Rises: the earlier is less than the later.
        bool falls = trend == Trend::Falls;
        steps.push_back(judge_less(labels[falls ? i + 1 : i], points[falls ? i + 1 : i], labels[falls ? i : i + 1],
                                   points[falls ? i : i + 1]));
        step_labels.push_back(labels[i] + " → " + labels[i + 1]);
    }
    Judgement j = judge_all(step_labels, steps);
    int clearly = 0, other_way = 0;
    for (const Judgement& step : steps) {
        clearly += step.verdict == Verdict::Held;
        other_way += step.verdict == Verdict::NotHeld;
    }
    j.measured = series_text(labels, points) + ": " + std::to_string(clearly) + " of " + std::to_string(steps.size()) +
                 " steps clearly " + (trend == Trend::Falls ? "down" : "up") + ", " + std::to_string(other_way) +
                 " clearly the other way" + (j.verdict == Verdict::SingleRun ? " (single run)" : "") +
                 "; weakest step " + (std::isfinite(j.effect) ? interval_text(j) : std::string("without spread"));
    return j;
}

Judgement judge_trend_slope(const std::string& x_name, const std::vector<double>& x, const std::vector<Estimate>& points,
                            Trend trend) {
    check_points("judge_trend_slope", x.size(), points, 2);
    double total = 0, x_mean = 0, y_mean = 0, x_plain_mean = 0;
    bool single = false;
    for (size_t i = 0; i < x.size(); i++) {
        if (!std::isfinite(x[i])) throw std::runtime_error("judge_trend_slope: " + x_name + " is not finite");
        check_finite(x_name + " point", points[i]);
        single = single || !has_spread(points[i]);
        total += points[i].count;
        x_mean += points[i].count * x[i];
        y_mean += points[i].count * points[i].mean;
        x_plain_mean += x[i] / (double)x.size();
    }
    x_mean /= total;
    y_mean /= total;
    // Least squares over every member's value: point i stands for count_i values with mean_i and sample sd_i.
    double sxx = 0, sxy = 0, sxx_plain = 0;
    for (size_t i = 0; i < x.size(); i++) {
        sxx += points[i].count * (x[i] - x_mean) * (x[i] - x_mean);
        sxy += points[i].count * (x[i] - x_mean) * (points[i].mean - y_mean);
        sxx_plain += (x[i] - x_plain_mean) * (x[i] - x_plain_mean);
    }
    if (sxx == 0) throw std::runtime_error("judge_trend_slope: all " + x_name + " values are equal");
    double slope = sxy / sxx;
    Judgement j;
    j.members = points[0].count;
    for (const Estimate& point : points) j.members = std::min(j.members, point.count);
    std::vector<std::string> labels;
    for (double value : x) labels.push_back(x_name + " " + number(value, 4));
    std::string slope_text = "slope " + number(slope, 3) + " per unit " + x_name;
    if (single) {
        j.verdict = Verdict::SingleRun;
        j.measured = slope_text + " (single run); " + series_text(labels, points);
        return j;
    }
    double residual = 0;
    for (size_t i = 0; i < x.size(); i++) {
        double fitted = y_mean + slope * (x[i] - x_mean);
        residual += (points[i].count - 1) * points[i].sd * points[i].sd +
                    points[i].count * (points[i].mean - fitted) * (points[i].mean - fitted);
    }
    double dof = total - 2, s = std::sqrt(residual / dof);
    auto half_width = [&](int k) {  // k members at every point, the same residual spread
        return student_t_quantile(0.975, (double)x.size() * k - 2) * s / std::sqrt(k * sxx_plain);
    };
    double sign = trend == Trend::Falls ? 1.0 : -1.0;  // the claim is sign·slope < 0
    double half = student_t_quantile(0.975, dof) * s / std::sqrt(sxx);
    decide(&j, sign * slope, half, half_width);
    j.effect = slope;
    j.low = slope - half;
    j.high = slope + half;
    j.measured = slope_text + ", 95 % CI [" + number(j.low, 2) + ", " + number(j.high, 2) + "] (t, " + number(dof, 3) +
                 " dof); " + series_text(labels, points);
    return j;
}

Judgement judge_trend_flat(const std::string& x_name, const std::vector<double>& x, const std::vector<Estimate>& points,
                           double factor) {
    Judgement falls = judge_trend_slope(x_name, x, points, Trend::Falls);
    double lowest = INFINITY;
    for (const Estimate& e : points) lowest = std::min(lowest, e.mean);
    auto range = std::minmax_element(x.begin(), x.end());
    double band = (factor - 1) * lowest / (*range.second - *range.first);
    Judgement flat = falls;  // the slope, its interval and members
    flat.needed = -1;
    if (flat.verdict != Verdict::SingleRun) {
        bool inside = -band < flat.low && flat.high < band, outside = flat.low > band || flat.high < -band;
        flat.verdict = inside ? Verdict::Held : outside ? Verdict::NotHeld : Verdict::Undecided;
    }
    std::string trend = falls.verdict == Verdict::Held ? "falls clearly" : falls.verdict == Verdict::NotHeld ? "rises clearly"
                                                                                                          : "no clear trend";
    flat.measured = "flat band |slope| < " + number(band, 3) + " (a factor " + number(factor, 3) + " across the range); " +
                    trend + "; " + falls.measured;
    return flat;
}

Judgement judge_u_shape(const std::vector<std::string>& labels, const std::vector<Estimate>& points) {
    check_points("judge_u_shape", labels.size(), points, 3);
    size_t best = 0, last = points.size() - 1;
    for (size_t i = 0; i < points.size(); i++) {
        check_finite(labels[i], points[i]);
        if (points[i].mean < points[best].mean) best = i;
    }
    std::string minimum = "minimum " + estimate_text(points[best]) + " at " + labels[best];
    std::string ends = "; first " + estimate_text(points[0]) + " at " + labels[0] + ", last " +
                       estimate_text(points[last]) + " at " + labels[last];
    Judgement j;
    if (best == 0 || best == last) {
        // The minimum is at an end: not U-shaped if that end is below every interior point.
        size_t best_interior = 1;
        for (size_t i = 1; i < last; i++)
            if (points[i].mean < points[best_interior].mean) best_interior = i;
        j = judge_less(labels[best], points[best], labels[best_interior], points[best_interior]);
        j.verdict = j.verdict == Verdict::Held ? Verdict::NotHeld : j.verdict;
        j.needed = j.verdict == Verdict::Undecided ? j.needed : j.verdict == Verdict::SingleRun ? -1 : 0;
        j.measured = minimum + " (an end point)" + ends + "; against the best interior point: " + j.measured;
        return j;
    }
    Judgement left = judge_less(labels[best], points[best], labels[0], points[0]);
    Judgement right = judge_less(labels[best], points[best], labels[last], points[last]);
    j = judge_all({"first end higher", "last end higher"}, {left, right});
    if (j.verdict == Verdict::NotHeld) {  // an end clearly below the minimum cannot happen; an end equal is "undecided"
        j.verdict = Verdict::Undecided;
        j.needed = NEEDED_BEYOND_LIMIT;
    }
    j.measured = minimum + ends + "; first end higher: " + verdict_name(left.verdict) + " (" + left.measured +
                 "), last end higher: " + verdict_name(right.verdict) + " (" + right.measured + ")";
    return j;
}
