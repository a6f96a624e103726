import type { LoadStats } from '../measure/compare';
import type { Spread } from '../measure/stats';
import type { TargetCheck } from '../scenario';

/** Milliseconds with a precision that suits their size. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value < 1) return value.toFixed(3);
  if (value < 10) return value.toFixed(2);
  if (value < 100) return value.toFixed(1);
  return value.toFixed(0);
}

/** A count with thousands separators. */
export function count(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return Math.round(value).toLocaleString('en-US');
}

/** A rate with its spread over rounds: `5,210 (4,980-5,400)`. */
export function rateWithSpread(spread: Spread): string {
  return `${count(spread.median)} (${count(spread.min)}–${count(spread.max)})`;
}

/** A ratio: `1.62x`. */
export function ratio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a';
}

/** Bytes as KB (1024) with one decimal. */
export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** Bytes as MB (1024²) with one decimal. */
export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The cells of a load measurement: p50, p99, calls/s with spread. */
export function loadCells(stats: LoadStats): string[] {
  return [ms(stats.p50Ms), ms(stats.p99Ms), rateWithSpread(stats.callsPerSec)];
}

/** Checks that `actual` is at most `limit`; a miss says by how much. */
export function atMost(
  name: string,
  actual: number,
  limit: number,
  unit: (value: number) => string = ratio,
): TargetCheck {
  const met = actual <= limit;
  const over = ((actual / limit - 1) * 100).toFixed(0);
  return {
    name,
    target: `<= ${unit(limit)}`,
    actual: unit(actual),
    met,
    ...(met ? {} : { miss: `missed by ${unit(actual - limit)} (${over}% over)` }),
  };
}

/** Checks that `actual` is at least `floor`; a miss says by how much. */
export function atLeast(
  name: string,
  actual: number,
  floor: number,
  unit: (value: number) => string = ratio,
): TargetCheck {
  const met = actual >= floor;
  const short = ((1 - actual / floor) * 100).toFixed(0);
  return {
    name,
    target: `>= ${unit(floor)}`,
    actual: unit(actual),
    met,
    ...(met ? {} : { miss: `missed by ${unit(floor - actual)} (${short}% short)` }),
  };
}
