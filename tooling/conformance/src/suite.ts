import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { everythingServerScript } from '@org/test-utils';
import { type Proc, startProc } from './processes';

const require = createRequire(import.meta.url);
const preloadDir = fileURLToPath(new URL('../preload/', import.meta.url));

function binOf(pkg: string, bin: string): string {
  const manifestPath = require.resolve(`${pkg}/package.json`);
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as {
    bin: Record<string, string>;
  };
  const relative = manifest.bin[bin];
  if (!relative) throw new Error(`${pkg} has no bin named ${bin}`);
  return path.join(path.dirname(manifestPath), relative);
}

/** The CLI of `@modelcontextprotocol/conformance`. */
export const conformanceCli = (): string =>
  binOf('@modelcontextprotocol/conformance', 'conformance');

/** The built `org-mcp-proxy` CLI of `@org/proxy` (turbo builds it before this package's tests). */
export function proxyCli(): string {
  const cli = binOf('@org/proxy', 'org-mcp-proxy');
  if (!fs.existsSync(cli)) {
    throw new Error(`Missing ${cli}: run \`pnpm --filter @org/proxy build\` first`);
  }
  return cli;
}

/** A started server with the URL of its streamable HTTP endpoint. */
export interface Served {
  readonly proc: Proc;
  readonly url: string;
}

/**
 * Starts server-everything over streamable HTTP on 127.0.0.1 and a free port (PORT=0; the
 * loopback preload binds loopback and prints the port it got).
 */
export async function startEverythingHttp(timeoutMs = 15_000): Promise<Served> {
  const proc = startProc(
    process.execPath,
    [
      '--require',
      path.join(preloadDir, 'loopbackListen.cjs'),
      everythingServerScript(),
      'streamableHttp',
    ],
    { env: { ...process.env, PORT: '0' } },
  );
  try {
    const match = await proc.waitForStderr(/loopback-listen (127\.0\.0\.1):(\d+)/, timeoutMs);
    return { proc, url: `http://${match[1]}:${match[2]}/mcp` };
  } catch (error) {
    await proc.stop();
    throw error;
  }
}

/**
 * Starts the proxy CLI serving streamable HTTP on 127.0.0.1 and a free port, in front of
 * server-everything as its stdio child.
 */
export async function startProxyHttp(timeoutMs = 15_000): Promise<Served> {
  const proc = startProc(process.execPath, [
    proxyCli(),
    '--transport',
    'http',
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--log-level',
    'warn',
    '--',
    process.execPath,
    everythingServerScript(),
    'stdio',
  ]);
  try {
    const match = await proc.waitForStderr(
      /Proxy listening on (http:\/\/127\.0\.0\.1:\d+\/mcp)/,
      timeoutMs,
    );
    return { proc, url: match[1]! };
  } catch (error) {
    await proc.stop();
    throw error;
  }
}

/** One check of a scenario, as the suite recorded it in its `checks.json`. */
export interface CheckResult {
  id: string;
  status: string;
  errorMessage?: string;
  /** What the check saw (a result, a status code); kept only where the two runs differ. */
  details?: unknown;
}

/** The outcome of one scenario. */
export interface ScenarioResult {
  scenario: string;
  /** No check failed and at least one succeeded (the suite's own rule in its tier check). */
  passed: boolean;
  succeeded: number;
  failed: number;
  checks: CheckResult[];
}

/** One run of the suite against one URL. */
export interface SuiteRun {
  url: string;
  durationMs: number;
  exitCode: number | null;
  /** The suite's pids, to check that it is gone. */
  pid: number;
  scenarios: ScenarioResult[];
}

const SUMMARY_LINE = /^[✓✗] (\S+): (\d+) passed, (\d+) failed$/gmu;
const RESULT_DIR = /^server-(.+)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/;

function readChecks(outputDir: string): Map<string, CheckResult[]> {
  const byScenario = new Map<string, CheckResult[]>();
  for (const entry of fs.readdirSync(outputDir)) {
    const scenario = RESULT_DIR.exec(entry)?.[1];
    const file = path.join(outputDir, entry, 'checks.json');
    if (!scenario || !fs.existsSync(file)) continue;
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as CheckResult[];
    byScenario.set(
      scenario,
      raw.map(({ id, status, errorMessage, details }) => ({
        id,
        status,
        ...(errorMessage === undefined ? {} : { errorMessage }),
        ...(details === undefined ? {} : { details }),
      })),
    );
  }
  return byScenario;
}

/**
 * Runs the suite's active server scenarios (`conformance server --suite active`) against `url`
 * and reads what each scenario recorded. The suite exits 1 when a scenario fails: that is a
 * result, not an error; no summary at all is an error. Bounded by `timeoutMs`.
 */
export async function runServerSuite(
  url: string,
  outputDir: string,
  timeoutMs = 120_000,
): Promise<SuiteRun> {
  fs.mkdirSync(outputDir, { recursive: true });
  const started = performance.now();
  const proc = startProc(
    process.execPath,
    [
      '--import',
      path.join(preloadDir, 'registerGlobSync.mjs'),
      conformanceCli(),
      'server',
      '--url',
      url,
      '--suite',
      'active',
      '--output-dir',
      outputDir,
    ],
    { cwd: outputDir },
  );
  let exit: Awaited<ReturnType<Proc['waitForExit']>>;
  try {
    exit = await proc.waitForExit(timeoutMs);
  } finally {
    await proc.stop();
  }
  const durationMs = Math.round(performance.now() - started);
  const summary = [...proc.stdout().matchAll(SUMMARY_LINE)];
  if (summary.length === 0) {
    throw new Error(
      `The conformance suite printed no summary (exit ${exit.code}, signal ${exit.signal}).\n` +
        `stdout:\n${proc.stdout().slice(-4_000)}\nstderr:\n${proc.stderr().slice(-4_000)}`,
    );
  }
  const checks = readChecks(outputDir);
  const scenarios = summary.map(([, scenario, succeeded, failed]) => ({
    scenario: scenario!,
    passed: Number(failed) === 0 && Number(succeeded) > 0,
    succeeded: Number(succeeded),
    failed: Number(failed),
    checks: checks.get(scenario!) ?? [],
  }));
  return { url, durationMs, exitCode: exit.code, pid: proc.pid, scenarios };
}

/** One row of the comparison. */
export interface ComparisonRow {
  scenario: string;
  direct: boolean;
  proxied: boolean;
  /** For a scenario failing only through the proxy: its failed checks and their messages. */
  proxiedFailures?: Omit<CheckResult, 'details'>[];
  /** Checks that succeeded directly but not through the proxy (in a scenario passing both). */
  checksLost?: { id: string; direct: string; proxied: string }[];
  /** Where the verdicts differ: every check of both runs, with what each saw. */
  directChecks?: CheckResult[];
  proxiedChecks?: CheckResult[];
}

const withoutDetails = ({ details: _details, ...check }: CheckResult) => check;

/** A run with the details of its checks left out (the comparison rows keep those that matter). */
export function summaryOf(run: SuiteRun): SuiteRun {
  return {
    ...run,
    scenarios: run.scenarios.map((s) => ({ ...s, checks: s.checks.map(withoutDetails) })),
  };
}

/** Both runs side by side, scenario by scenario, in the order the suite ran them. */
export function compare(direct: SuiteRun, proxied: SuiteRun): ComparisonRow[] {
  const directBy = new Map(direct.scenarios.map((s) => [s.scenario, s]));
  const proxiedBy = new Map(proxied.scenarios.map((s) => [s.scenario, s]));
  const names = [...new Set([...directBy.keys(), ...proxiedBy.keys()])];
  return names.map((scenario) => {
    const d = directBy.get(scenario);
    const p = proxiedBy.get(scenario);
    const row: ComparisonRow = {
      scenario,
      direct: d?.passed ?? false,
      proxied: p?.passed ?? false,
    };
    if (row.direct && !row.proxied) {
      row.proxiedFailures = p
        ? p.checks.filter((c) => c.status !== 'SUCCESS' && c.status !== 'INFO').map(withoutDetails)
        : [{ id: scenario, status: 'MISSING', errorMessage: 'not run through the proxy' }];
      if (row.proxiedFailures.length === 0) {
        row.proxiedFailures = [
          { id: scenario, status: 'NONE', errorMessage: 'no check succeeded' },
        ];
      }
    }
    if (d && p && row.direct && row.proxied) {
      const lost = d.checks
        .filter((c) => c.status === 'SUCCESS')
        .map((c) => ({
          id: c.id,
          direct: c.status,
          proxied: p.checks.find((x) => x.id === c.id)?.status ?? 'MISSING',
        }))
        .filter((c) => c.proxied !== 'SUCCESS');
      if (lost.length > 0) row.checksLost = lost;
    }
    if (row.direct !== row.proxied || row.checksLost) {
      row.directChecks = d?.checks ?? [];
      row.proxiedChecks = p?.checks ?? [];
    }
    return row;
  });
}

/** The comparison as a fixed-width text table. */
export function formatTable(rows: readonly ComparisonRow[]): string {
  const mark = (passed: boolean) => (passed ? 'pass' : 'FAIL');
  const width = Math.max('scenario'.length, ...rows.map((r) => r.scenario.length));
  const lines = [
    `${'scenario'.padEnd(width)}  direct  proxied`,
    `${'-'.repeat(width)}  ------  -------`,
    ...rows.map((r) => {
      const flag = r.direct && !r.proxied ? '  <- fails only through the proxy' : '';
      return `${r.scenario.padEnd(width)}  ${mark(r.direct).padEnd(6)}  ${mark(r.proxied).padEnd(7)}${flag}`.trimEnd();
    }),
  ];
  return lines.join('\n');
}
