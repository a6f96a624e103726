import type { BenchPaths } from './paths';
import type { Sizes } from './sizes';

/** A Markdown table: a header row and body rows of preformatted cells. */
export interface Table {
  /** A line printed above the table. */
  caption?: string;
  /** The header cells. */
  headers: string[];
  /** The body rows. */
  rows: string[][];
}

/** A target of the issue checked against this run's numbers. */
export interface TargetCheck {
  /** What is checked, e.g. `proxied p50 / direct p50 at concurrency 1`. */
  name: string;
  /** The target, e.g. `<= 2.0x`. */
  target: string;
  /** The measured value, e.g. `1.62x`. */
  actual: string;
  /** Whether the target is met. */
  met: boolean;
  /** By how much the target is missed, when it is. */
  miss?: string;
}

/** What a scenario reports. */
export interface ScenarioResult {
  /** A short stable id: `inMemoryHop`, `httpFront`, ... */
  id: string;
  /** The number of the scenario in issue 8. */
  number: number;
  /** The heading of the scenario's section. */
  title: string;
  /** The tables of the section. */
  tables: Table[];
  /** The targets and whether they are met. */
  targets: TargetCheck[];
  /** How to read the numbers. */
  notes: string[];
  /** The raw measurements, for the JSON file. */
  data: unknown;
  /** How long the scenario took, in milliseconds. */
  durationMs: number;
  /** The error that stopped the scenario, if one did. */
  error?: string;
  /** Pids of processes still alive after the scenario (killed then); empty when clean. */
  leftovers: number[];
}

/** What a scenario gets from the runner. */
export interface BenchContext {
  /** Quick mode: small counts, for the test that keeps the benchmark from rotting. */
  quick: boolean;
  /** The counts of this mode. */
  sizes: Sizes;
  /** Where the scripts the scenarios start are. */
  paths: BenchPaths;
  /** Prints a progress line. */
  log(line: string): void;
}

/** The part of a result a scenario returns; the runner adds timing and leftovers. */
export type ScenarioOutput = Pick<
  ScenarioResult,
  'title' | 'tables' | 'targets' | 'notes' | 'data'
>;

/** A scenario of the benchmark. */
export interface Scenario {
  /** A short stable id. */
  id: string;
  /** The number in issue 8. */
  number: number;
  /** Runs the scenario; every process it starts is gone when it resolves or rejects. */
  run(context: BenchContext): Promise<ScenarioOutput>;
}
