/**
 * Entry point of the benchmark (`node dist/run.js [--quick] [--only ids] [--out file.json]
 * [--no-docs]`): runs the scenarios of issue 8 one after the other, writes the JSON results and
 * a Markdown table, and (full mode) the generated part of `docs/performance.md`.
 */
import { setMaxListeners } from 'node:events';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { benchPaths } from './paths';
import { reapLeftovers, snapshotProcesses } from './procs/leftovers';
import { writeGeneratedPart } from './report/docsFile';
import { renderMarkdown } from './report/markdown';
import { type BenchResults, currentMachine, summarize } from './report/results';
import { parseRunOptions } from './runOptions';
import type { BenchContext, Scenario, ScenarioResult } from './scenario';
import { cache } from './scenarios/cache';
import { httpFront } from './scenarios/httpFront';
import { inMemoryHop } from './scenarios/inMemoryHop';
import { memory } from './scenarios/memory';
import { roundTrips } from './scenarios/roundTrips';
import { startup } from './scenarios/startup';
import { FULL_SIZES, QUICK_SIZES } from './sizes';

const SCENARIOS: Scenario[] = [inMemoryHop, httpFront, roundTrips, cache, memory, startup];

/** The version of an installed package, found by walking up from its entry point. */
function versionOf(require: NodeJS.Require, name: string, entry = name): string {
  try {
    let dir = path.dirname(require.resolve(entry));
    for (let depth = 0; depth < 6; depth += 1) {
      const file = path.join(dir, 'package.json');
      if (fs.existsSync(file)) {
        const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as {
          name?: string;
          version?: string;
        };
        if (manifest.name === name && manifest.version) return manifest.version;
      }
      dir = path.dirname(dir);
    }
  } catch {
    // Not resolvable: reported as unknown.
  }
  return 'unknown';
}

async function runScenario(scenario: Scenario, context: BenchContext): Promise<ScenarioResult> {
  const snapshot = snapshotProcesses();
  const t0 = performance.now();
  const base = { id: scenario.id, number: scenario.number };
  let result: Omit<ScenarioResult, 'leftovers' | 'durationMs'>;
  try {
    result = { ...base, ...(await scenario.run(context)) };
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    context.log(`scenario ${scenario.id} failed: ${message}`);
    result = { ...base, title: scenario.id, tables: [], targets: [], notes: [], data: null };
    result.error = error instanceof Error ? error.message : String(error);
  }
  const durationMs = performance.now() - t0;
  // Give children closed a moment ago the time to exit before looking for leftovers.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const leftovers = reapLeftovers(snapshot);
  if (leftovers.length > 0) context.log(`scenario ${scenario.id} left processes: ${leftovers}`);
  return { ...result, durationMs, leftovers };
}

async function main(): Promise<number> {
  // The SDK's HTTP client passes one AbortSignal to every fetch, and Node 20's fetch leaves a
  // listener on it per request until garbage collection: without this, a warning line per
  // request past 1,500 would cost the client side (all HTTP contenders alike) for nothing.
  setMaxListeners(0);
  const initial = snapshotProcesses();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      reapLeftovers(initial);
      process.exit(130);
    });
  }
  const paths = benchPaths();
  const options = parseRunOptions(process.argv.slice(2), paths.appDir);
  const started = new Date();
  const t0 = performance.now();
  const context: BenchContext = {
    quick: options.quick,
    sizes: options.quick ? QUICK_SIZES : FULL_SIZES,
    paths,
    log: (line) =>
      console.error(`[bench ${((performance.now() - t0) / 1000).toFixed(1)}s] ${line}`),
  };
  const chosen = SCENARIOS.filter((s) => !options.only || options.only.includes(s.id));
  const scenarios: ScenarioResult[] = [];
  for (const scenario of chosen) scenarios.push(await runScenario(scenario, context));
  const require = createRequire(path.join(paths.appDir, 'package.json'));
  const results: BenchResults = {
    schema: 1,
    mode: options.quick ? 'quick' : 'full',
    date: started.toISOString(),
    machine: currentMachine(),
    versions: {
      '@org/proxy': versionOf(require, '@org/proxy'),
      '@modelcontextprotocol/sdk': versionOf(
        require,
        '@modelcontextprotocol/sdk',
        '@modelcontextprotocol/sdk/client/index.js',
      ),
      'mcp-proxy': paths.mcpProxyVersion,
    },
    durationMs: performance.now() - t0,
    scenarios,
    summary: summarize(scenarios),
  };
  const markdown = renderMarkdown(results);
  fs.mkdirSync(path.dirname(options.jsonFile), { recursive: true });
  fs.writeFileSync(options.jsonFile, `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(options.markdownFile, `${markdown}\n`);
  if (options.updateDocs) {
    writeGeneratedPart(path.join(paths.rootDir, 'docs', 'performance.md'), markdown);
  }
  console.log(markdown);
  const { summary } = results;
  context.log(
    `done: ${summary.met}/${summary.targets} targets met, ${summary.failedScenarios} scenarios failed; results in ${options.jsonFile}`,
  );
  return summary.failedScenarios > 0 ? 1 : 0;
}

// Keep-alive sockets of the HTTP clients would hold the process for seconds: exit explicitly.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
