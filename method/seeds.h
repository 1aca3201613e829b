// Seeds. Every random draw of the method comes from a generator seeded here, from the run's --seed, so that a run
// is reproducible and every stage (data, training, each probe, generation, each solver) has its own stream.
#pragma once
#include <cstdint>
#include <string>

// A seed for one purpose of one run, derived from the run's --seed so that every stage has its own stream and a
// change in one stage (say, a longer training) does not shift the random numbers of another.
uint64_t derive_seed(uint64_t seed, uint64_t purpose);

// FNV-1a of a text, e.g. a job's id ("fig3/g=1.5/ens=3"): a purpose for derive_seed that depends on what a job is,
// not on its position in a design or on arithmetic of its parameters that could collide.
uint64_t text_hash(const std::string& text);

// The seed of one member of one SK point (n, g, M): derive_seed of --seed and text_hash("sk/n=…/g=…/M=…/member=…"),
// so it depends on what the point is, not on which figure asks or where the point sits in a design. Every figure
// that derives its data, diffusion model and samples for a point from it draws the same data and trains the same
// model for the same member (the observed-only MSE of fig2's member k is fig3's, fig4's and fig5's).
uint64_t sk_point_seed(uint64_t seed, int n, double g, int M, int member);
