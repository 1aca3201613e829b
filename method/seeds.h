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
