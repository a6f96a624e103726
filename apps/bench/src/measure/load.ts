/** Makes one call; `worker` (0 to concurrency - 1) picks the session when there are several. */
export type Call = (worker: number) => Promise<unknown>;

/** What one batch of calls took. */
export interface LoadRun {
  /** The latency of every call, in milliseconds, in completion order. */
  latencies: number[];
  /** From the first call's start to the last call's end, in milliseconds. */
  elapsedMs: number;
}

/** When a batch ends: after both so many calls were started and so much time has passed. */
export interface LoadLimit {
  /** Calls to start at least. @default 0 */
  minCalls?: number;
  /** Milliseconds to keep starting calls at least. @default 0 */
  minMs?: number;
  /** Calls to start at most, whatever the time. @default 10000000 */
  maxCalls?: number;
}

/**
 * Makes calls with `concurrency` of them in flight at every moment (each worker makes its next
 * call as soon as its previous one is answered) until `limit` is reached; calls in flight then
 * are awaited and counted.
 */
export async function runLoad(call: Call, limit: LoadLimit, concurrency: number): Promise<LoadRun> {
  const { minCalls = 0, minMs = 0, maxCalls = 10_000_000 } = limit;
  const latencies: number[] = [];
  let started = 0;
  const t0 = performance.now();
  const more = (): boolean =>
    started < maxCalls && (started < minCalls || performance.now() - t0 < minMs);
  const worker = async (index: number): Promise<void> => {
    while (more()) {
      started += 1;
      const t1 = performance.now();
      await call(index);
      latencies.push(performance.now() - t1);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(i)));
  return { latencies, elapsedMs: performance.now() - t0 };
}

/** Makes exactly `calls` calls, one at a time. */
export function runCalls(call: Call, calls: number): Promise<LoadRun> {
  return runLoad(call, { minCalls: calls, maxCalls: calls }, 1);
}
