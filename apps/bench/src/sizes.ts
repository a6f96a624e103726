import type { CompareOptions } from './measure/compare';

/** How long a comparison runs (its concurrency aside). */
export type RunSizes = Omit<CompareOptions, 'concurrency'>;

/** How much each scenario measures. */
export interface Sizes {
  /** Scenario 1, in memory, at each concurrency. */
  inMemory: RunSizes;
  /** Scenario 2, over HTTP and stdio, for each load. */
  http: RunSizes;
  /** Scenario 2: requests in flight in the concurrent loads, and sessions of the last one. */
  httpConcurrency: number;
  /** Scenario 3: warm-up calls and counted calls per strategy. */
  roundTrips: { warmup: number; calls: number };
  /** Scenario 4: cold against warm lookups at concurrency 1, and calls counted afterwards. */
  cache: RunSizes & { countedCalls: number };
  /** Scenario 5: idle sessions opened. */
  memorySessions: number;
  /** Scenario 6: start-ups per program. */
  startups: number;
}

/** The full benchmark: about two minutes on 2 cores. */
export const FULL_SIZES: Sizes = {
  inMemory: { warmupCalls: 500, warmupMs: 500, rounds: 10, roundMs: 250 },
  http: { warmupCalls: 200, warmupMs: 500, rounds: 8, roundMs: 300 },
  httpConcurrency: 16,
  roundTrips: { warmup: 50, calls: 500 },
  cache: { warmupCalls: 500, warmupMs: 300, rounds: 10, roundMs: 150, countedCalls: 200 },
  memorySessions: 500,
  startups: 7,
};

/** Quick mode: a few seconds, to check that every scenario still runs. */
export const QUICK_SIZES: Sizes = {
  inMemory: { warmupCalls: 20, warmupMs: 0, rounds: 2, roundMs: 30 },
  http: { warmupCalls: 10, warmupMs: 0, rounds: 2, roundMs: 40 },
  httpConcurrency: 4,
  roundTrips: { warmup: 5, calls: 20 },
  cache: { warmupCalls: 10, warmupMs: 0, rounds: 2, roundMs: 30, countedCalls: 20 },
  memorySessions: 20,
  startups: 1,
};
