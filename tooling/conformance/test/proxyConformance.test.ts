import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isPidAlive, waitFor } from '@org/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { descendantPids } from '../src/processes';
import {
  compare,
  formatTable,
  runServerSuite,
  type Served,
  type SuiteRun,
  startEverythingHttp,
  startProxyHttp,
  summaryOf,
} from '../src/suite';

// The MCP conformance suite's active server scenarios, run against server-everything directly
// and through the proxy CLI in front of it. What passes directly must pass through the proxy.
describe('MCP conformance suite: server-everything directly and through org-mcp-proxy', () => {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'org-mcp-conformance-'));
  const started: number[] = [];
  let everything: Served | undefined;
  let proxy: Served | undefined;

  const stopAll = async () => {
    // Everything below the proxy too (its stdio backends), noted before the proxy goes.
    for (const served of [proxy, everything]) {
      if (!served) continue;
      for (const pid of descendantPids(served.proc.pid)) {
        if (!started.includes(pid)) started.push(pid);
      }
    }
    await Promise.all([proxy?.proc.stop(), everything?.proc.stop()]);
  };

  beforeAll(async () => {
    [everything, proxy] = await Promise.all([startEverythingHttp(), startProxyHttp()]);
    started.push(everything.proc.pid, proxy.proc.pid);
  });

  afterAll(async () => {
    await stopAll();
  });

  it('passes through the proxy every active server scenario that passes directly', async () => {
    // Both runs at once (each is bounded); allSettled so that neither outlives the test.
    const runs = await Promise.allSettled([
      runServerSuite(everything!.url, path.join(workDir, 'direct')),
      runServerSuite(proxy!.url, path.join(workDir, 'proxied')),
    ]);
    const [direct, proxied] = runs.map((run) => {
      if (run.status === 'rejected') throw run.reason;
      started.push(run.value.pid);
      return run.value;
    }) as [SuiteRun, SuiteRun];
    const rows = compare(direct, proxied);
    const regressions = rows.filter((row) => row.direct && !row.proxied);

    const reportFile = path.join(workDir, 'comparison.json');
    fs.writeFileSync(
      reportFile,
      `${JSON.stringify(
        {
          suite: '@modelcontextprotocol/conformance server --suite active',
          node: process.version,
          direct: { url: direct.url, durationMs: direct.durationMs, exitCode: direct.exitCode },
          proxied: { url: proxied.url, durationMs: proxied.durationMs, exitCode: proxied.exitCode },
          rows,
          runs: { direct: summaryOf(direct).scenarios, proxied: summaryOf(proxied).scenarios },
        },
        null,
        2,
      )}\n`,
    );
    // The raw per-scenario results; comparison.json keeps every check's status and message.
    fs.rmSync(path.join(workDir, 'direct'), { recursive: true, force: true });
    fs.rmSync(path.join(workDir, 'proxied'), { recursive: true, force: true });

    const passedDirect = rows.filter((row) => row.direct).length;
    const passedProxied = rows.filter((row) => row.proxied).length;
    const notes = [
      '',
      'MCP conformance, active server scenarios (pass: no failed check, at least one succeeded)',
      formatTable(rows),
      '',
      `direct:  ${passedDirect}/${rows.length} passed in ${direct.durationMs} ms (${direct.url})`,
      `proxied: ${passedProxied}/${rows.length} passed in ${proxied.durationMs} ms (${proxied.url})`,
      ...regressions.flatMap((row) => [
        `fails only through the proxy: ${row.scenario}`,
        ...(row.proxiedFailures ?? []).map((c) => `  ${c.id}: ${c.errorMessage ?? c.status}`),
      ]),
      ...rows
        .filter((row) => row.checksLost && row.direct && row.proxied)
        .map(
          (row) =>
            `passes both, with checks that succeed only directly: ${row.scenario} (${row
              .checksLost!.map((c) => `${c.id}: ${c.proxied}`)
              .join(', ')})`,
        ),
      `comparison written to ${reportFile}`,
      '',
    ];
    console.log(notes.join('\n'));

    // The runs are real: both ran the same scenarios, and the direct baseline is not empty.
    expect(rows.length).toBeGreaterThanOrEqual(20);
    expect(proxied.scenarios.map((s) => s.scenario)).toEqual(
      direct.scenarios.map((s) => s.scenario),
    );
    expect(rows.find((row) => row.scenario === 'server-initialize')?.direct).toBe(true);

    // The invariant: no scenario passes directly and fails through the proxy.
    expect(
      regressions.map((row) => ({ scenario: row.scenario, proxiedFailures: row.proxiedFailures })),
    ).toEqual([]);
  }, 150_000);

  it('stops every process it started, leaving none behind', async () => {
    await stopAll();
    await waitFor(() => started.every((pid) => !isPidAlive(pid)), {
      timeoutMs: 10_000,
      what: `the end of pids ${started.join(', ')}`,
    });
    expect(started.filter((pid) => isPidAlive(pid))).toEqual([]);
    // Nor anything else below this test process.
    expect(descendantPids(process.pid)).toEqual([]);
  }, 30_000);
});
