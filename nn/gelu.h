// GELU activation in the exact erf form (Hendrycks & Gimpel 2016; PyTorch's nn.GELU() default), Appendix A:
//   GELU(x) = x·Φ(x),  Φ(x) = ½(1 + erf(x/√2)) the standard normal CDF,
//   GELU'(x) = Φ(x) + x·φ(x),  φ(x) = exp(−x²/2)/√(2π).
// Shapes: in/out [rows × cols] stored with row stride ld (a column block of a wider row-major buffer, which is how
// the denoiser writes activations straight into its skip-connection buffers); deriv [rows × cols] contiguous.
#pragma once

// out = GELU(in), element-wise; out may equal in (in place). If deriv is not null it receives GELU'(in), which is
// all the backward pass needs (training keeps it instead of the pre-activation).
void gelu_forward(float* out, float* deriv, const float* in, int rows, int cols, int ld);

// grad ← grad ⊙ deriv, in place: turns dL/dGELU(x) into dL/dx. The incoming gradient is not needed afterwards, so
// this one backward overwrites instead of accumulating (the linear layers around it accumulate as usual).
void gelu_backward(float* grad, const float* deriv, int rows, int cols, int ld);

// Φ(x) as gelu_forward evaluates it (float, |error| ≤ 2e-7 against the exact value; see gelu.cpp). For tests.
float gelu_normal_cdf(float x);
