import { ownCpuUs } from '../procs/cpuTime';
import { type Call, runLoad } from './load';
import { percentile, type Spread, sortedCopy, spreadOf } from './stats';

function addDelta(
  into: Record<string, number>,
  before: Record<string, number>,
  after: Record<string, number>,
): void {
  for (const [role, value] of Object.entries(after)) {
    into[role] = (into[role] ?? 0) + Math.max(0, value - (before[role] ?? 0));
  }
}

function perCall(total: Record<string, number>, calls: number): Record<string, number> {
  return Object.fromEntries(Object.entries(total).map(([role, us]) => [role, us / calls]));
}

/** One of the things compared: a name and how to make one call through it. */
export interface Contender {
  /** The name shown in tables. */
  name: string;
  /** Makes one call. */
  call: Call;
  /** How many client sessions `call` spreads over. @default 1 */
  sessions?: number;
  /**
   * CPU time used so far by the processes serving the calls, in microseconds, by role (`proxy`,
   * `backend`); when set, CPU per call is reported for them and for the client (this process).
   */
  cpu?: () => Record<string, number>;
}

/** How a comparison runs. */
export interface CompareOptions {
  /** Calls in flight at every moment. */
  concurrency: number;
  /** Calls each contender makes before measuring (at least; see `warmupMs`). */
  warmupCalls: number;
  /** Milliseconds each contender warms up for (at least; see `warmupCalls`). */
  warmupMs: number;
  /** Rounds; each contender runs once per round, in alternating order. */
  rounds: number;
  /** Milliseconds each contender makes calls for in each round. */
  roundMs: number;
}

/** The measurements of one contender at one concurrency. */
export interface LoadStats {
  /** The contender. */
  name: string;
  /** Calls in flight at every moment. */
  concurrency: number;
  /** Client sessions the calls were spread over. */
  sessions: number;
  /** Calls measured (warm-up excluded). */
  calls: number;
  /** Rounds the calls were made in. */
  rounds: number;
  /** Median latency over every measured call, in milliseconds. */
  p50Ms: number;
  /** 99th percentile latency over every measured call, in milliseconds. */
  p99Ms: number;
  /** The per-round median latency: median, lowest and highest round. */
  p50PerRound: Spread;
  /** Calls per second: median, lowest and highest round. */
  callsPerSec: Spread;
  /** CPU microseconds per call by role (`client` is this process), when measured. */
  cpuUsPerCall?: Record<string, number>;
}

/**
 * Measures contenders against each other in the same run: a warm-up for each, then `rounds`
 * rounds in which each contender makes calls for `roundMs`, the order alternating from round
 * to round (A B, B A, ...) so that noise and drift hit every contender alike.
 */
export async function compare(
  contenders: readonly Contender[],
  options: CompareOptions,
): Promise<LoadStats[]> {
  const { concurrency, rounds, roundMs } = options;
  const warmup = { minCalls: options.warmupCalls, minMs: options.warmupMs };
  for (const contender of contenders) await runLoad(contender.call, warmup, concurrency);
  const latencies = contenders.map((): number[] => []);
  const rates = contenders.map((): number[] => []);
  const cpu = contenders.map((): Record<string, number> => ({}));
  const p50s = contenders.map((): number[] => []);
  for (let round = 0; round < rounds; round += 1) {
    const order = contenders.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) {
      const sample = contenders[i]!.cpu;
      const before = sample ? { client: ownCpuUs(), ...sample() } : {};
      const run = await runLoad(contenders[i]!.call, { minMs: roundMs }, concurrency);
      if (sample) addDelta(cpu[i]!, before, { client: ownCpuUs(), ...sample() });
      latencies[i]!.push(...run.latencies);
      rates[i]!.push((run.latencies.length * 1000) / run.elapsedMs);
      p50s[i]!.push(percentile(sortedCopy(run.latencies), 50));
    }
  }
  return contenders.map((contender, i) => {
    const sorted = sortedCopy(latencies[i]!);
    return {
      name: contender.name,
      concurrency,
      sessions: contender.sessions ?? 1,
      calls: sorted.length,
      rounds,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      p50PerRound: spreadOf(p50s[i]!),
      callsPerSec: spreadOf(rates[i]!),
      ...(contender.cpu ? { cpuUsPerCall: perCall(cpu[i]!, sorted.length) } : {}),
    };
  });
}
