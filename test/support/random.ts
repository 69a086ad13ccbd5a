/** Seeded random data for accuracy tests (the core's mulberry32 + Box-Muller). */
import { seededRandom } from '@toolscope/instrumentation/internal';

/** `n` lognormal samples with log-mean `mu` and log-sd `sigma`. */
export function lognormalSamples(n: number, mu: number, sigma: number, seed: number): number[] {
  const rand = seededRandom(seed);
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const u1 = Math.max(rand(), Number.MIN_VALUE);
    const u2 = rand();
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    out[i] = Math.exp(mu + sigma * z);
  }
  return out;
}

/** Exact quantile of sorted data, linear interpolation between closest ranks (numpy default). */
export function exactQuantile(sorted: readonly number[], q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** The standard normal quantile function (Acklam's approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
    -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/**
 * `n` lognormal values (median `median`, log-sd `sigma`), stratified — the i-th is the
 * distribution's (i + 0.5)/n quantile, so the sample's percentiles are the distribution's —
 * in an order shuffled by `random`. Heavy-tailed and unbounded like real tool latencies; a
 * distribution with a hard upper edge (uniform) is the adversarial case for any bucketed
 * histogram: near that edge `histogram_quantile`'s interpolation can be off by up to one
 * bucket width.
 */
export function stratifiedLognormal(
  n: number,
  median: number,
  sigma: number,
  random: () => number,
): number[] {
  const out = Array.from(
    { length: n },
    (_, i) => median * Math.exp(sigma * normalQuantile((i + 0.5) / n)),
  );
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Exact nearest-rank percentile (what the end-to-end accuracy tests compare against). */
export function nearestRank(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}
