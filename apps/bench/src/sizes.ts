import type { CompareOptions } from './measure/compare';

/** Run lengths of a comparison at concurrency 1 and 16. */
export interface LoadSizes {
  /** At concurrency 1. */
  c1: Omit<CompareOptions, 'concurrency'>;
  /** At concurrency 16. */
  c16: Omit<CompareOptions, 'concurrency'>;
}

/** How much each scenario measures. */
export interface Sizes {
  /** Scenario 1, in memory. */
  inMemory: LoadSizes;
  /** Scenario 2, over HTTP and stdio. */
  http: LoadSizes;
  /** Scenario 3: warm-up calls and measured calls per strategy. */
  roundTrips: { warmup: number; calls: number };
  /** Scenario 4: cold against warm lookups, at concurrency 1. */
  cache: Omit<CompareOptions, 'concurrency'>;
  /** Scenario 5: idle sessions opened. */
  memorySessions: number;
  /** Scenario 6: start-ups per variant. */
  startups: number;
}

/** The full benchmark: about two minutes on 2 cores. */
export const FULL_SIZES: Sizes = {
  inMemory: {
    c1: { warmup: 300, rounds: 10, callsPerRound: 400 },
    c16: { warmup: 300, rounds: 10, callsPerRound: 1_000 },
  },
  http: {
    c1: { warmup: 200, rounds: 8, callsPerRound: 150 },
    c16: { warmup: 200, rounds: 8, callsPerRound: 400 },
  },
  roundTrips: { warmup: 50, calls: 500 },
  cache: { warmup: 200, rounds: 10, callsPerRound: 200 },
  memorySessions: 500,
  startups: 7,
};

/** Quick mode: a few seconds, to check that every scenario still runs. */
export const QUICK_SIZES: Sizes = {
  inMemory: {
    c1: { warmup: 20, rounds: 2, callsPerRound: 50 },
    c16: { warmup: 20, rounds: 2, callsPerRound: 64 },
  },
  http: {
    c1: { warmup: 10, rounds: 2, callsPerRound: 20 },
    c16: { warmup: 16, rounds: 2, callsPerRound: 32 },
  },
  roundTrips: { warmup: 5, calls: 20 },
  cache: { warmup: 10, rounds: 2, callsPerRound: 20 },
  memorySessions: 20,
  startups: 1,
};
