// The paper's method written for reading (issue 29): plain single-threaded loops over std::vector<double>, no
// threads, no SIMD, no BLAS, no subsampling, no caching. Every function is named after what it computes and cites
// its equation: "Eq. (N)" is Lim, Lee & Jo (2025); Ho et al. (2020) numbers its DDPM algorithms 1 and 2; Song et
// al. (2021) its DDIM Eq. (12). This code is what the fast code (nn/, diffusion/, ising/) is held to by
// tests/test_fast_vs_reference.cpp, and what PyTorch holds both to (tests/test_torch_dump.cpp). It is compiled into
// the test binary only, never into repro's hot paths. docs/reference.md maps each function to its fast twin.
//
// Conventions shared with the fast code, so that the two can be compared entry by entry:
//  - network parameters: one flat array, layer after layer (enc1, enc2, enc3, dec1, dec2, dec3, out), each weight
//    [out × in] row-major (PyTorch's nn.Linear) followed by its bias [out];
//  - decoder inputs are [decoder activation | encoder skip] (torch.cat([d, h]));
//  - time embedding [sin | cos], frequencies exp(−ln(10⁴)·i/(half − 1)), of the integer step t itself;
//  - spins ±1, configuration s of n spins ↔ σ_i = +1 when bit i of s is set;
//  - random draws through data/rng.h, in the same order as the fast code where a test compares draws.
#pragma once
#include <cstdint>
#include <vector>

#include "../data/formats.h"
#include "../data/rng.h"

namespace reference {

using Vector = std::vector<double>;

// ---------------------------------------------------------------- the denoiser ε_θ(x_t, t) (network.cpp)

// Appendix A's network: for n = 40, widths 128/256/512, skips on, a 128-wide time embedding.
struct NetworkShape {
    int n = 40;
    int widths[3] = {128, 256, 512};
    bool skip = true;
    int embed_dim = 128;
};
struct LayerShape {
    int in_dim, out_dim;
    long weight_offset, bias_offset;  // into the flat parameter array
};
LayerShape layer_shape(const NetworkShape& shape, int layer);  // layer 0 … 6
long parameter_count(const NetworkShape& shape);

// Appendix A "sinusoidal position embeddings for encoding time t" (Vaswani et al. 2017), [sin | cos] halves.
Vector sinusoidal_embedding(int t, int dim);

// GELU(x) = x·Φ(x) (Appendix A). The exact form uses std::erf; the other uses the Abramowitz & Stegun 7.1.26
// formula for erf (|error| ≤ 1.5e-7) that nn/gelu.cpp evaluates in float, here in double, so a test can tell the
// approximation's share of a difference from float rounding's.
enum class Gelu { exact_erf, abramowitz_stegun };
double gelu(double x, Gelu kind);
double gelu_derivative(double x, Gelu kind);  // Φ(x) + x·φ(x)

// Everything one row's forward pass computed, kept for its backward pass.
struct Activations {
    Vector input;            // [x_t | emb(t)], n + embed_dim
    Vector pre[6], post[6];  // before and after GELU: h1, h2, h3 (encoder), d1, d2, d3 (decoder)
    Vector output;           // ε̂, n
};
// ε_θ(x_t, t) for one row (Appendix A): input [x_t | emb(t)] → ε̂.
Activations denoiser_forward(const Vector& params, const NetworkShape& shape, const Vector& input, Gelu kind);
// grads += ∂L/∂params given d_output = ∂L/∂ε̂ for that row (backpropagation through denoiser_forward).
void denoiser_backward(const Vector& params, const NetworkShape& shape, const Activations& act, const Vector& d_output,
                       Gelu kind, Vector* grads);

// The DDPM loss (Ho et al. Eq. (14), "simple"): mean over all B·n entries of (ε̂ − ε)², as F.mse_loss.
double mse_loss(const Vector& predicted, const Vector& target);
Vector mse_loss_gradient(const Vector& predicted, const Vector& target);  // 2(ε̂ − ε)/(B·n)

// Adam (Kingma & Ba 2015, Algorithm 1) as torch.optim.Adam: the optimiser of Appendix A.
struct AdamState {
    double learning_rate = 1e-4, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
    Vector m, v;    // first and second moments, sized on first use
    long step = 0;  // steps taken
};
void adam_step(Vector* params, const Vector& grads, AdamState* adam);

// ---------------------------------------------------------------- DDPM and DDIM (diffusion.cpp)

// Appendix A's linear schedule: 1 − α_t = 10⁻⁴ + 0.02·t/T; ᾱ_t = Π_{s≤t} α_s. Index 0 is t = 0 (ᾱ_0 = 1).
struct Schedule {
    int T = 0;
    Vector beta, alpha, alpha_bar;
};
Schedule linear_schedule(int T);

// Eq. (19) applied t times, in closed form: x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε.
Vector noised_sample_eq19(const Vector& x0, const Vector& eps, int t, const Schedule& schedule);

// One minibatch of Ho et al.'s Algorithm 1 with its random draws given: row r is x0 [B × n] row r at time t[r]
// with noise eps [B × n]. Returns the loss; *grads (if not null) receives ∇_θ of it (not accumulated);
// *eps_predicted (if not null) receives ε̂ [B × n].
double training_loss_and_gradient(const Vector& params, const NetworkShape& shape, const Vector& x0,
                                  const std::vector<int>& t, const Vector& eps, const Schedule& schedule, Gelu kind,
                                  Vector* grads, Vector* eps_predicted);
// Algorithm 1, one iteration: the loss and gradient above, then one Adam step. Returns the loss.
double training_step_algorithm1(Vector* params, AdamState* adam, const NetworkShape& shape, const Vector& x0,
                                const std::vector<int>& t, const Vector& eps, const Schedule& schedule, Gelu kind);

// ε_θ(x, t) for every row of x [B × n], all at the same t.
Vector predict_noise(const Vector& params, const NetworkShape& shape, const Vector& x, int t, Gelu kind);
// Ho et al.'s Algorithm 2, one step: x_{t−1} = (x_t − β_t/√(1−ᾱ_t)·ε_θ(x_t, t))/√α_t + σ_t·z, with σ_t² = β̃_t =
// (1 − ᾱ_{t−1})/(1 − ᾱ_t)·β_t (their Eq. (7); β̃_1 = 0). z [B × n] is given.
Vector ddpm_step_algorithm2(const Vector& params, const NetworkShape& shape, const Vector& x_t, int t, const Vector& z,
                            const Schedule& schedule, Gelu kind);
// DDIM (Song et al. 2021, Eq. (12)) from t to t_prev < t: x̂_0 = (x − √(1−ᾱ_t)ε̂)/√ᾱ_t,
// x_prev = √ᾱ_prev·x̂_0 + √(1 − ᾱ_prev − σ²)·ε̂ + σz, σ = η·√((1−ᾱ_prev)/(1−ᾱ_t))·√(1 − ᾱ_t/ᾱ_prev).
Vector ddim_step(const Vector& params, const NetworkShape& shape, const Vector& x_t, int t, int t_prev, double eta,
                 const Vector& z, const Schedule& schedule, Gelu kind);
double ddim_sigma(const Schedule& schedule, int t, int t_prev, double eta);
// Analog bits (Chen et al. 2023, the paper's ref. [40]): σ = sign(x_0), a tie at 0 going to +1.
Vector analog_bits(const Vector& x0);

// ---------------------------------------------------------------- the Ising model (ising.cpp)

double energy_eq2(const IsingParams& params, const float* spins);  // E(σ) = −Σ b_i σ_i − Σ_{i<j} w_ij σ_i σ_j

// Averages over the data distribution f of Eq. (3) (Eq. (10) with O = σ_i, σ_iσ_j); rows weighted by
// samples.weight when it is given (a row of weight c counts as c copies).
struct Averages {
    Vector mean;         // ⟨σ_i⟩, n
    Vector correlation;  // ⟨σ_iσ_j⟩, n × n
};
Averages data_averages_eq10(const Samples& samples);

// Exact enumeration of Eq. (1) over all 2^n configurations (small n): log Z and the averages of Eq. (11).
struct ExactModel {
    Vector energy;  // E of configuration s, 2^n entries
    double log_z = 0.0;
    Averages averages;
};
ExactModel exact_enumeration_eq1(const IsingParams& params);

// Metropolis sampling of Eq. (1) (Sec. III A, step 2) with the fast code's chain layout (ising/metropolis.h): a
// seed drawn from rng; chain c ∈ [0, min(64, count)) has generator rng_seed(seed, c), starts from uniform spins,
// sweeps spins 0 … n−1 in order accepting a flip with probability min(1, exp(−ΔE)), ΔE from Eq. (2) directly;
// after burn_in sweeps it records every thin sweeps into rows c, c + chains, c + 2·chains, …
Samples metropolis_sample(const IsingParams& params, int count, int burn_in, int thin, Rng* rng);

// The erasure machine (Sec. II B) at one ε over the explicit features O = (σ_i ; σ_iσ_j, i < j): θ ~ U[−0.5, 0.5)
// from rng_seed(seed, 0) (biases, then w_ij row-major), then repeated Eq. (12) reweighting and Eq. (18) update
// with ⟨O⟩_{p_ε} ≈ εθ (Eqs. (16)–(17)), while ⟨E(σ̂)⟩_f does not increase; the θ of lowest ⟨E⟩ is kept.
struct ErasureFit {
    IsingParams params;
    double mean_energy = 0.0;
    int iterations = 0;
};
ErasureFit erasure_fit_eqs12_18(const Samples& samples, double eps, int max_iter, double gamma, uint64_t seed);
// The ε scan over eps_count values in [eps_min, eps_max]: the run with the largest ⟨E(σ̂)⟩ wins (ties: smaller ε),
// except that a run with fewer than max(1, max_iter/10) updates never beats one with more (ising/erasure.h).
ErasureFit erasure_machine_scan(const Samples& samples, double eps_min, double eps_max, int eps_count, int max_iter,
                                double gamma, uint64_t seed, double* chosen_eps);

// Pseudo-likelihood (beyond the paper; Besag 1975, Aurell & Ekeberg 2012), one spin at a time by Newton's method
// with the exact Hessian and an Armijo backtracking line search, then w_ij ← (w_ij + w_ji)/2. Spins that never flip
// get couplings 0 and bias ½·ln(2M + 1)·σ_i (ising/plm.h), and couplings to them are held at 0.
double plm_spin_objective(const Samples& samples, int spin, const Vector& theta, double lambda, Vector* gradient,
                          Vector* hessian);
IsingParams plm_fit(const Samples& samples, double lambda, double tolerance, int max_iter);

// Naive mean field (beyond the paper; Kappen & Rodríguez 1998): w = −C⁻¹ off the diagonal, b_i = atanh(m_i) −
// Σ_j w_ij m_j, with spins that never flip clamped to |m| = 1 − 1/(M + 1) and decoupled (ising/meanfield.h).
IsingParams mean_field_fit(const Samples& samples);

// Sec. III A: mean and variance (÷M) of E(σ̂) over samples, and the energy-variance rule: the first checkpoint
// where Var[E(aug)] reaches the test set's Var[E], interpolated on the log-iteration axis; -1 when never reached.
void energy_mean_variance(const IsingParams& params, const Samples& samples, double* mean, double* variance);
int energy_variance_rule(const std::vector<long>& iterations, const Vector& variance, double target);

// Gaussian elimination with partial pivoting: solves A x = b (A n × n, row-major). Used by PLM and mean field.
Vector solve_linear_system(Vector A, Vector b, int n);

}  // namespace reference
