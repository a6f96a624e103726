/** Makes one call; `worker` (0 to concurrency - 1) picks the session when there are several. */
export type Call = (worker: number) => Promise<unknown>;

/** What one batch of calls took. */
export interface LoadRun {
  /** The latency of every call, in milliseconds, in completion order. */
  latencies: number[];
  /** From the first call's start to the last call's end, in milliseconds. */
  elapsedMs: number;
}

/**
 * Makes `calls` calls with `concurrency` of them in flight at every moment: each of the
 * `concurrency` workers makes its next call as soon as its previous one is answered.
 */
export async function runLoad(call: Call, calls: number, concurrency: number): Promise<LoadRun> {
  const latencies: number[] = [];
  let started = 0;
  const worker = async (index: number): Promise<void> => {
    while (started < calls) {
      started += 1;
      const t0 = performance.now();
      await call(index);
      latencies.push(performance.now() - t0);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, calls) }, (_, i) => worker(i)));
  return { latencies, elapsedMs: performance.now() - t0 };
}
