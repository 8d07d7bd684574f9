// Composite ops built from primitives: activations, norms, rotary embeddings, causal masking and
// cross-entropy. They have no gradient rules of their own; autodiff goes through their primitives.

import { GraphBuilder } from './builder';
import { Tensor } from './graph';
import { isStatic } from './ops';

/**
 * x * sigmoid(x). Its gradient dy (s + y (1 - s)) with s = sigmoid(x) and y the output reuses both
 * forward tensors: 4 passes where the chained primitive rules make 6.
 */
export function silu(g: GraphBuilder, x: Tensor): Tensor {
  const s = g.sigmoid(x);
  const y = g.mul(x, s);
  return g.withGradient(y, [x], (g, dy) => [g.mul(dy, g.add(s, g.mul(y, g.sub(1, s))))]);
}

/** ln(4 / sqrt(2 pi)): exp(this - u^2) is 4 phi(sqrt(2) u), see gelu. */
const LOG_FOUR_OVER_SQRT_TWO_PI = Math.log(4 / Math.sqrt(2 * Math.PI));

/**
 * GELU, by default in the tanh form (GPT-2's); 'erf' is the exact form, x Phi(x) = h (1 + erf(u)) with
 * h = x/2 and u = x/sqrt(2). Its gradient Phi(x) + x phi(x) is, from those forward tensors,
 * (1/2) (b + h exp(ln(4/sqrt(2 pi)) - u^2)) with b = 1 + erf(u): 6 passes where the chained
 * primitive rules make 9, and the 1/2 goes into the next product's alpha when that is a Gemm.
 */
export function gelu(g: GraphBuilder, x: Tensor, form: 'tanh' | 'erf' = 'tanh'): Tensor {
  if (form === 'erf') {
    const h = g.mul(x, 0.5);
    const u = g.mul(x, Math.SQRT1_2);
    const b = g.add(g.erf(u), 1);
    const y = g.mul(h, b);
    return g.withGradient(y, [x], (g, dy) => {
      const slope = g.add(b, g.mul(h, g.exp(g.sub(LOG_FOUR_OVER_SQRT_TWO_PI, g.mul(u, u)))));
      return [g.mul(g.mul(dy, slope), 0.5)];
    });
  }
  const inner = g.mul(g.add(x, g.mul(g.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return g.mul(g.mul(x, 0.5), g.add(g.tanh(inner), 1));
}

/**
 * x / rms(x) over the last axis, times an optional weight: x * (mean(x^2) + eps)^-1/2 * w. Its
 * gradient, with r the inverse rms, n the normed x and a = dy w: dx = r (a - n mean(a n)), and
 * dw = sum over rows of p = dy n, whose product with w also gives sum(a n) (a matrix-vector product,
 * no further pass). One dx instead of two parts to add up, and no (mean + eps)^-3/2.
 */
export function rmsNorm(g: GraphBuilder, x: Tensor, weight: Tensor | null, eps = 1e-5): Tensor {
  const inverseRms = g.pow(g.add(g.mean(g.pow(x, 2), -1, true), eps), -0.5); // (..., 1)
  const normed = g.mul(x, inverseRms);
  const out = weight ? g.mul(normed, weight) : normed;
  const width = x.shape[x.rank - 1];
  const vectorWeight = weight === null || (weight.rank === 1 && weight.shape[0] === width);
  if (typeof width !== 'number' || !vectorWeight || !isStatic(x.shape)) return out;
  return g.withGradient(out, weight ? [x, weight] : [x], (g, dy) => {
    const p = g.mul(dy, normed);
    const meanAN = weight
      ? g.mul(g.matmul(p, g.reshape(weight, [width, 1])), 1 / width) // (..., 1)
      : g.mean(p, -1, true);
    const a = weight ? g.mul(dy, weight) : dy;
    const dx = g.mul(g.sub(a, g.mul(normed, meanAN)), inverseRms);
    if (!weight) return [dx];
    const rows = Array.from({ length: x.rank - 1 }, (_, i) => i);
    return [dx, g.reshape(g.sum(p, rows), weight.shape)];
  });
}

/** (x - mean) / std over the last axis, then * weight + bias (either may be null). */
export function layerNorm(g: GraphBuilder, x: Tensor, weight: Tensor | null, bias: Tensor | null, eps = 1e-5): Tensor {
  const centred = g.sub(x, g.mean(x, -1, true));
  const inverseStd = g.pow(g.add(g.mean(g.pow(centred, 2), -1, true), eps), -0.5); // (..., 1)
  const normed = g.mul(centred, inverseStd);
  const scaled = weight ? g.mul(normed, weight) : normed;
  return bias ? g.add(scaled, bias) : scaled;
}

/**
 * Rotary position embedding on the last axis (size D, rotated as two halves, GPT-NeoX style):
 * out = x * [cos, cos] + [x2, x1] * [-sin, sin]. cos and sin have shape (T, D/2) and broadcast over
 * the leading axes of x (..., T, D); they may be constants or fed inputs (see ropeTables).
 */
export function rope(g: GraphBuilder, x: Tensor, cos: Tensor, sin: Tensor): Tensor {
  const [x1, x2] = g.split(x, 2, -1);
  const swapped = g.concat([x2, x1], -1);
  const cosFull = g.concat([cos, cos], -1); // (T, D)
  const sinSigned = g.concat([g.neg(sin), sin], -1); // (T, D)
  return g.add(g.mul(x, cosFull), g.mul(swapped, sinSigned));
}

/** cos/sin tables (T, D/2), row-major, for positions offset..offset+T-1. */
export function ropeTables(length: number, headDim: number, base = 10000, offset = 0): { cos: Float32Array; sin: Float32Array } {
  const half = headDim / 2;
  const cos = new Float32Array(length * half);
  const sin = new Float32Array(length * half);
  for (let t = 0; t < length; t++) {
    for (let i = 0; i < half; i++) {
      const angle = (offset + t) * Math.pow(base, -i / half);
      cos[t * half + i] = Math.cos(angle);
      sin[t * half + i] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

/** Added to masked attention scores; finite so that 0 * bias stays 0 in backward passes. */
export const MASKED = -1e9;

/**
 * Additive causal bias (T, Tk): query i sits at position Tk - T + i and sees keys up to it (with a
 * KV cache, the T new queries come after Tk - T cached keys).
 */
export function causalBias(queries: number, keys: number): Float32Array {
  const bias = new Float32Array(queries * keys);
  for (let i = 0; i < queries; i++) {
    for (let j = keys - queries + i + 1; j < keys; j++) bias[i * keys + j] = MASKED;
  }
  return bias;
}

/**
 * Masks attention scores (..., T, Tk) causally by adding a constant bias, which costs nothing in the
 * backward pass. With symbolic T or Tk, feed causalBias(T, Tk) as an input and add it instead.
 */
export function causalMask(g: GraphBuilder, scores: Tensor): Tensor {
  const [queries, keys] = scores.shape.slice(-2);
  if (!isStatic([queries, keys])) throw new Error('causalMask: symbolic T; feed causalBias(T, Tk) as an input instead');
  return g.add(scores, g.constant(causalBias(queries as number, keys as number), [queries, keys]));
}

/**
 * Mean cross-entropy of logits (..., V) against integer targets (...). With a float mask (...) of
 * 1s and 0s, the mean runs over the positions where the mask is 1.
 */
export function crossEntropy(g: GraphBuilder, logits: Tensor, targets: Tensor, mask?: Tensor): Tensor {
  const logProbs = g.logSoftmax(logits, -1); // (..., V)
  const picked = g.gatherElements(logProbs, g.unsqueeze(targets, -1), -1); // (..., 1)
  const perPosition = g.reshape(picked, targets.shape); // (...)
  if (!mask) return g.neg(g.mean(perPosition));
  return g.neg(g.div(g.sum(g.mul(perPosition, mask)), g.sum(mask)));
}
