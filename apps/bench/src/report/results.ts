import os from 'node:os';
import type { ScenarioResult } from '../scenario';

/** The machine a run was measured on. */
export interface Machine {
  /** Operating system, release and architecture. */
  os: string;
  /** The CPU model. */
  cpu: string;
  /** Logical cores. */
  cores: number;
  /** Total memory, in GB. */
  memoryGb: number;
  /** The Node.js version. */
  node: string;
  /** The 1-minute load average when the run started (other work on the machine adds noise). */
  loadAverage: number;
}

/** Everything a run writes to its JSON file. */
export interface BenchResults {
  /** The version of this file's shape. */
  schema: 1;
  /** `full` (`pnpm bench`) or `quick` (`--quick`, tiny counts: the numbers mean little). */
  mode: 'full' | 'quick';
  /** When the run started (ISO 8601). */
  date: string;
  /** The machine. */
  machine: Machine;
  /** Versions of what was measured. */
  versions: Record<string, string>;
  /** How long the run took, in milliseconds. */
  durationMs: number;
  /** The scenarios, in order. */
  scenarios: ScenarioResult[];
  /** How many targets were checked and met. */
  summary: { targets: number; met: number; missed: number; failedScenarios: number };
}

/** Describes this machine. */
export function currentMachine(): Machine {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    loadAverage: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}

/** Counts the targets of `scenarios`. */
export function summarize(scenarios: readonly ScenarioResult[]): BenchResults['summary'] {
  const targets = scenarios.flatMap((scenario) => scenario.targets);
  const met = targets.filter((target) => target.met).length;
  return {
    targets: targets.length,
    met,
    missed: targets.length - met,
    failedScenarios: scenarios.filter((scenario) => scenario.error !== undefined).length,
  };
}
