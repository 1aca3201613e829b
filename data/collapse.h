// Repeated rows as weights. Binary recordings repeat patterns heavily (the all-silent pattern of spike data): a data
// set of M rows with D distinct patterns is the same data set as D rows weighted by their counts, and every solver
// (erasure machine, PLM, mean field, exact MLE) already reads such weights exactly as repeated rows (Samples::weight,
// tested in tests/test_own_data.cpp), at D/M of the cost.
#pragma once
#include "formats.h"

// The distinct rows of `samples` in order of first appearance, each weighted by the total weight of its copies (its
// count when the rows carry no weights). Rows of weight 0 are kept out.
Samples collapse_repeated_rows(const Samples& samples);
