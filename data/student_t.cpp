#include "student_t.h"

#include <cmath>
#include <stdexcept>

// I_x(a, b)'s continued fraction (the even and odd terms of its standard expansion), evaluated by the modified
// Lentz method; converges fast for x < (a + 1)/(a + b + 2), which student_t_cdf arranges by symmetry.
static double incomplete_beta_fraction(double a, double b, double x) {
    const double tiny = 1e-300;
    double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
    if (std::fabs(d) < tiny) d = tiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= 500; m++) {
        double even = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
        d = 1.0 + even * d;
        c = 1.0 + even / c;
        d = 1.0 / (std::fabs(d) < tiny ? tiny : d);
        c = std::fabs(c) < tiny ? tiny : c;
        h *= d * c;
        double odd = -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0));
        d = 1.0 + odd * d;
        c = 1.0 + odd / c;
        d = 1.0 / (std::fabs(d) < tiny ? tiny : d);
        c = std::fabs(c) < tiny ? tiny : c;
        double step = d * c;
        h *= step;
        if (std::fabs(step - 1.0) < 1e-15) break;
    }
    return h;
}

// The regularised incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b).
static double incomplete_beta(double a, double b, double x) {
    if (x <= 0) return 0;
    if (x >= 1) return 1;
    double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
    if (x < (a + 1.0) / (a + b + 2.0)) return std::exp(log_front) * incomplete_beta_fraction(a, b, x) / a;
    return 1.0 - std::exp(log_front) * incomplete_beta_fraction(b, a, 1.0 - x) / b;  // I_x(a,b) = 1 − I_{1−x}(b,a)
}

double student_t_cdf(double t, double dof) {
    if (!(dof > 0)) throw std::runtime_error("student_t_cdf: degrees of freedom must be positive");
    if (std::isinf(t)) return t > 0 ? 1.0 : 0.0;
    double tail = 0.5 * incomplete_beta(0.5 * dof, 0.5, dof / (dof + t * t));  // P(T > |t|)
    return t >= 0 ? 1.0 - tail : tail;
}

double student_t_quantile(double p, double dof) {
    if (!(p > 0 && p < 1)) throw std::runtime_error("student_t_quantile: p must lie in (0, 1)");
    if (p < 0.5) return -student_t_quantile(1.0 - p, dof);
    double lo = 0, hi = 1;
    while (student_t_cdf(hi, dof) < p) hi *= 2;  // bracket: at dof = 1, p = 0.975 needs hi = 16
    for (int k = 0; k < 200 && hi - lo > 1e-12 * hi; k++) {
        double mid = 0.5 * (lo + hi);
        (student_t_cdf(mid, dof) < p ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

double beta_cdf(double x, double a, double b) {
    if (!(a > 0 && b > 0)) throw std::runtime_error("beta_cdf: a and b must be positive");
    return incomplete_beta(a, b, x);
}

double beta_quantile(double p, double a, double b) {
    if (!(p > 0 && p < 1)) throw std::runtime_error("beta_quantile: p must lie in (0, 1)");
    double lo = 0, hi = 1;
    for (int k = 0; k < 200 && hi - lo > 1e-13; k++) {
        double mid = 0.5 * (lo + hi);
        (beta_cdf(mid, a, b) < p ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}
