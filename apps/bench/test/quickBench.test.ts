import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const appDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const RUN_LIMIT_MS = 90_000;

/** Runs `node <args>` in the app directory; kills it (SIGTERM, then SIGKILL) past the limit. */
function runNode(
  args: string[],
  limitMs: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: appDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    let killer: NodeJS.Timeout | undefined;
    const limit = setTimeout(() => {
      child.kill('SIGTERM');
      killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    }, limitMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(limit);
      clearTimeout(killer);
      resolve({ code, output });
    });
  });
}

function tsupCli(): string {
  const require = createRequire(path.join(appDir, 'package.json'));
  const manifest = require.resolve('tsup/package.json');
  const bin = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { bin: Record<string, string> }).bin
    .tsup!;
  return path.join(path.dirname(manifest), bin);
}

describe('the quick benchmark', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-quick-'));
  const jsonFile = path.join(dir, 'quick.json');
  let run: { code: number | null; output: string };
  // The JSON file is checked field by field below.
  let results: any;

  beforeAll(async () => {
    const build = await runNode([tsupCli(), '--silent'], 60_000);
    expect(build.code, build.output).toBe(0);
    run = await runNode(['dist/run.js', '--quick', '--out', jsonFile], RUN_LIMIT_MS);
    results = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
  }, RUN_LIMIT_MS + 70_000);

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs every scenario without an error and exits 0', () => {
    expect(run.code, run.output).toBe(0);
    expect(results.schema).toBe(1);
    expect(results.mode).toBe('quick');
    expect(results.scenarios.map((s: { id: string }) => s.id)).toEqual([
      'inMemoryHop',
      'httpFront',
      'roundTrips',
      'cache',
      'memory',
      'startup',
    ]);
    for (const scenario of results.scenarios) expect(scenario.error, scenario.id).toBeUndefined();
  });

  it('describes the machine and the versions measured', () => {
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(results.machine.node).toBe(process.version);
    expect(typeof results.machine.cpu).toBe('string');
    expect(Number.isNaN(Date.parse(results.date))).toBe(false);
    expect(results.versions['mcp-proxy']).toMatch(/^\d+\.\d+\.\d+/);
    expect(results.versions['@modelcontextprotocol/sdk']).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('gives every scenario a table, checked targets and no leftover process', () => {
    for (const scenario of results.scenarios) {
      expect(scenario.tables.length, scenario.id).toBeGreaterThan(0);
      for (const table of scenario.tables) {
        expect(table.rows.length, scenario.id).toBeGreaterThan(0);
        for (const row of table.rows) expect(row).toHaveLength(table.headers.length);
      }
      expect(scenario.targets.length, scenario.id).toBeGreaterThan(0);
      for (const target of scenario.targets) {
        expect(typeof target.met, `${scenario.id}: ${target.name}`).toBe('boolean');
        expect(target.actual).not.toBe('n/a');
      }
      expect(scenario.leftovers, scenario.id).toEqual([]);
    }
    const met = results.scenarios.flatMap((s: { targets: { met: boolean }[] }) => s.targets);
    expect(results.summary.targets).toBe(met.length);
  });

  it('measures latency and throughput with a spread, and counts backend requests', () => {
    const hop = results.scenarios[0].data.concurrency1;
    for (const stats of hop) {
      expect(stats.calls).toBeGreaterThan(0);
      expect(stats.p50Ms).toBeGreaterThan(0);
      expect(stats.p99Ms).toBeGreaterThanOrEqual(stats.p50Ms);
      expect(stats.callsPerSec.min).toBeLessThanOrEqual(stats.callsPerSec.max);
    }
    const perSession = results.scenarios[2].data.find(
      (entry: { strategy: string }) => entry.strategy === 'per-session',
    );
    expect(perSession.requestsPerCall).toBe(1);
  });

  it('writes the Markdown table next to the JSON file', () => {
    const markdown = fs.readFileSync(path.join(dir, 'quick.md'), 'utf8');
    expect(markdown).toContain('### Targets');
    expect(markdown).toContain('### 6. Start-up');
    expect(markdown).toContain(results.machine.node);
  });
});
