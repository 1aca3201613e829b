// Student's t distribution (and the beta distribution it rests on): the 95 % tests of the report (report/judge.h) and of repro assess (method/assess.h).
// In data/, the bottom layer, because both the method and the report use it; it is plain math with no I/O.
#pragma once

// Written here (no statistics library): the CDF from
// the regularised incomplete beta function, P(T ≤ t) = 1 − ½·I_x(ν/2, ½) for t ≥ 0 with x = ν/(ν + t²), I_x by its
// continued fraction (Lentz's method); the quantile by bisection on the CDF. `dof` may be fractional (Welch).
double student_t_cdf(double t, double dof);
// The t with P(T ≤ t) = p, 0 < p < 1. student_t_quantile(0.975, 2) = 4.303 (the 95 % two-sided critical value at 3
// members), (0.975, 9) = 2.262 (10 members); it tends to the normal 1.960 as dof grows.
double student_t_quantile(double p, double dof);

// The regularised incomplete beta function I_x(a, b), the beta distribution's CDF (a, b > 0, x in [0, 1]).
double beta_cdf(double x, double a, double b);
// The x with I_x(a, b) = p (bisection): the Clopper–Pearson interval of a binomial proportion is made of these.
double beta_quantile(double p, double a, double b);
