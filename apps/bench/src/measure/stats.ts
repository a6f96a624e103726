/** The value at percentile `p` (0-100) of ascending `sorted` values, by nearest rank. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** The median of `values` (any order). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A value's spread over repetitions: the median, the lowest and the highest. */
export interface Spread {
  /** The median over the repetitions. */
  median: number;
  /** The lowest repetition. */
  min: number;
  /** The highest repetition. */
  max: number;
}

/** The median, lowest and highest of `values`. */
export function spreadOf(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** Sorts a copy of `latencies` ascending. */
export function sortedCopy(latencies: readonly number[]): Float64Array {
  return Float64Array.from(latencies).sort();
}
