#!/usr/bin/python3
"""torch_dump.py -- the paper's denoiser in PyTorch, at a small size, dumped for tests/test_torch_dump.cpp.

An independent implementation of Appendix A's network (written from the paper and repro's documented conventions,
not from repro's code), in the spirit of llm.c's test_gpt2.c: PyTorch computes one forward and backward pass, ten
Adam steps and one DDPM reverse step, and writes every input and result to one small binary file that the C++ tests
read (they never need PyTorch). Regenerate with `make torch-dump` (Debian: apt-get install python3-torch
python3-numpy; run with /usr/bin/python3).

Conventions it pins (the same as repro's nn/denoiser.h and reference/reference.h):
  parameters: one flat float32 array, layers enc1 enc2 enc3 dec1 dec2 dec3 out, each weight [out x in] row-major
    (nn.Linear's layout) followed by its bias [out];
  input [x_t | emb(t)], emb(t) = [sin(t f_i) | cos(t f_i)], f_i = exp(-ln(1e4) i/(half-1)), computed in float64;
  decoder inputs torch.cat([d, h]) (decoder activation first, the encoder skip second); exact-erf GELU (F.gelu);
  linear schedule 1 - alpha_t = 1e-4 + 0.02 t/T, T = 1000; coefficients in float64, then float32;
  loss F.mse_loss (mean over B*n entries); torch.optim.Adam;
  DDPM step x_{t-1} = (x_t - beta_t/sqrt(1-abar_t) eps)/sqrt(alpha_t) + sigma_t z, sigma_t^2 = the posterior
    variance (1-abar_{t-1})/(1-abar_t) beta_t (Ho et al. Eq. (7)).

File format (little-endian): the 8 bytes "REPROTD1", a uint32 tensor count, then per tensor a uint32 name length,
the ASCII name, a uint32 element count and that many float32 values. Tensors (B rows, n spins, P parameters):
  config [12]      n, w1, w2, w3, skip (1/0), embed_dim, T, B, learning rate, beta1, beta2, Adam epsilon
  params [P]       initial weights (torch.manual_seed(0), nn.Linear's default initialisation)
  x0 [B n], t [B], eps [B n]        a minibatch of +-1 rows (one repeated), its times and noise
  temb [B E]       emb(t) per row;   x_t [B n]   sqrt(abar_t) x0 + sqrt(1 - abar_t) eps
  eps_pred [B n]   the network's output on [x_t | emb(t)], exact GELU
  eps_pred_as [B n] the same with GELU's erf by Abramowitz & Stegun 7.1.26 (repro's fast GELU formula)
  loss [1], grads [P]              F.mse_loss(eps_pred, eps) and its gradient for every parameter
  params_adam1 [P], params_adam10 [P], losses10 [10]   weights after 1 and 10 Adam steps on this same
                   minibatch, and the loss before each of the 10 steps (losses10[0] = loss)
  ddpm_t [1], ddpm_x_t [B n], ddpm_z [B n], ddpm_x_prev [B n]   one DDPM reverse step with the initial weights
"""
import math
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

N, WIDTHS, SKIP, EMBED, T, B = 6, (16, 24, 32), True, 8, 1000, 5
# 1e-3 rather than the paper's 1e-4: the updates stay ~1e4 float ulps of the weights, so they are resolved.
LR, BETA1, BETA2, ADAM_EPS = 1e-3, 0.9, 0.999, 1e-8
DDPM_T = 37


def embedding(t, dim):
    half = dim // 2
    i = torch.arange(half, dtype=torch.float64)
    freq = torch.exp(-math.log(10000.0) * i / (half - 1))
    angle = t.to(torch.float64)[:, None] * freq[None, :]
    return torch.cat([torch.sin(angle), torch.cos(angle)], dim=1).float()


def gelu_abramowitz_stegun(x):
    """x * Phi(x) with erf(z) ~ 1 - (a1 u + ... + a5 u^5) exp(-z^2), u = 1/(1 + p z), z >= 0 (A&S 7.1.26)."""
    p, a1, a2, a3, a4, a5 = 0.3275911, 0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429
    z = x.abs() / math.sqrt(2.0)
    u = 1.0 / (1.0 + p * z)
    erf = 1.0 - u * (a1 + u * (a2 + u * (a3 + u * (a4 + u * a5)))) * torch.exp(-z * z)
    return x * 0.5 * (1.0 + torch.sign(x) * erf)


class Denoiser(nn.Module):
    """Appendix A: encoder 3 GELU layers, decoder 3 GELU layers reading [d | h] skips, linear output."""

    def __init__(self):
        super().__init__()
        w1, w2, w3 = WIDTHS
        k = 2 if SKIP else 1
        self.layers = nn.ModuleList([nn.Linear(N + EMBED, w1), nn.Linear(w1, w2), nn.Linear(w2, w3),
                                     nn.Linear(w3, w3), nn.Linear(k * w3, w2), nn.Linear(k * w2, w1),
                                     nn.Linear(k * w1, N)])

    def forward(self, x_t, temb, gelu=F.gelu):
        e1, e2, e3, d1, d2, d3, out = self.layers
        h1 = gelu(e1(torch.cat([x_t, temb], dim=1)))
        h2 = gelu(e2(h1))
        h3 = gelu(e3(h2))
        d = gelu(d1(h3))
        d = gelu(d2(torch.cat([d, h3], dim=1) if SKIP else d))
        d = gelu(d3(torch.cat([d, h2], dim=1) if SKIP else d))
        return out(torch.cat([d, h1], dim=1) if SKIP else d)


def flat(tensors):
    return torch.cat([x.detach().reshape(-1) for x in tensors])


def flat_params(model):  # weight then bias, layer by layer: repro's layout
    return flat([p for layer in model.layers for p in (layer.weight, layer.bias)])


def flat_grads(model):
    return flat([p.grad for layer in model.layers for p in (layer.weight, layer.bias)])


def main(path):
    torch.manual_seed(0)
    model = Denoiser()
    out = {}
    out["config"] = torch.tensor([N, *WIDTHS, 1 if SKIP else 0, EMBED, T, B, LR, BETA1, BETA2, ADAM_EPS])
    out["params"] = flat_params(model)

    steps = torch.arange(1, T + 1, dtype=torch.float64)
    beta = torch.cat([torch.zeros(1, dtype=torch.float64), 1e-4 + 0.02 * steps / T])  # index t = 0 ... T
    alpha = 1.0 - beta
    abar = torch.cumprod(alpha, 0)

    x0 = torch.where(torch.rand(B, N) < 0.5, -1.0, 1.0)
    x0[3] = x0[1]  # a repeated row
    t = torch.tensor([1, 2, 500, 999, 1000])
    eps = torch.randn(B, N)
    temb = embedding(t, EMBED)
    x_t = abar[t].sqrt().float()[:, None] * x0 + (1.0 - abar[t]).sqrt().float()[:, None] * eps
    out.update(x0=x0, t=t, eps=eps, temb=temb, x_t=x_t)

    with torch.no_grad():
        out["eps_pred_as"] = model(x_t, temb, gelu_abramowitz_stegun)
        # one DDPM reverse step (Ho et al. Algorithm 2) at DDPM_T from a given x_t and z, initial weights
        x = torch.randn(B, N)
        z = torch.randn(B, N)
        e = model(x, embedding(torch.full((B,), DDPM_T), EMBED))
        s = DDPM_T
        sigma = math.sqrt((1.0 - abar[s - 1].item()) / (1.0 - abar[s].item()) * beta[s].item())
        x_prev = (x - (beta[s] / (1.0 - abar[s]).sqrt()).float() * e) / alpha[s].sqrt().float() + sigma * z
        out.update(ddpm_t=torch.tensor([s]), ddpm_x_t=x, ddpm_z=z, ddpm_x_prev=x_prev)

    optimiser = torch.optim.Adam(model.parameters(), lr=LR, betas=(BETA1, BETA2), eps=ADAM_EPS)
    losses = []
    for step in range(10):  # Algorithm 1 with the minibatch fixed: the same x0, t, eps every step
        optimiser.zero_grad()
        predicted = model(x_t, temb)
        loss = F.mse_loss(predicted, eps)
        loss.backward()
        if step == 0:
            out.update(eps_pred=predicted.detach(), loss=loss.detach().reshape(1), grads=flat_grads(model))
        losses.append(loss.item())
        optimiser.step()
        if step == 0:
            out["params_adam1"] = flat_params(model)
    out["params_adam10"] = flat_params(model)
    out["losses10"] = torch.tensor(losses)

    with open(path, "wb") as f:
        f.write(b"REPROTD1")
        f.write(struct.pack("<I", len(out)))
        for name, tensor in out.items():
            values = tensor.detach().reshape(-1).to(torch.float32).numpy().astype("<f4")
            f.write(struct.pack("<I", len(name)) + name.encode("ascii"))
            f.write(struct.pack("<I", values.size) + values.tobytes())
    print(f"{path}: {len(out)} tensors, {out['params'].numel()} parameters, loss {losses[0]:.6f} -> {losses[-1]:.6f}, "
          f"|eps_pred(A&S GELU) - eps_pred(exact)|max = {(out['eps_pred_as'] - out['eps_pred']).abs().max().item():.3g}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/data/torch_dump.bin")
