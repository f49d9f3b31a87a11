/**
 * Small statistics for benchmark rounds: min/median/max of per-round figures and percentiles of raw samples.
 * PERFORMANCE.md §5 asks for min / median / max over at least 3 runs; every figure here is reported that way.
 */

/** Min, median and max of one figure over its rounds. */
export interface Summary {
  readonly min: number;
  readonly median: number;
  readonly max: number;
  /** Number of rounds summarised. */
  readonly rounds: number;
}

/** Median of `values` (mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The nearest-rank percentile `p` (0–100) of `values`; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/** Summarises per-round values. */
export function summarize(values: readonly number[]): Summary {
  return { min: Math.min(...values), median: median(values), max: Math.max(...values), rounds: values.length };
}

/** Ratio of two medians (ours over the peer's), NaN when the peer is zero. */
export function ratio(ours: Summary, peer: Summary): number {
  return peer.median === 0 ? Number.NaN : ours.median / peer.median;
}

/** Per-round latency summary of raw samples in milliseconds. */
export interface LatencyRound {
  readonly p50: number;
  readonly p99: number;
  readonly count: number;
}

/** p50/p99 of one round's samples. */
export function latencyRound(samples: readonly number[]): LatencyRound {
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), count: samples.length };
}
