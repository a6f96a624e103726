import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceStdioCommand } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliProcess, startCli } from '../cli/cliProcess';
import { parseExposition, sampleValue } from './metricsText';

const LISTENING = /Proxy listening on (http:\/\/\S+?)\/mcp/;
const METRICS = /Metrics listening on (http:\/\/\S+)\/metrics/;
const clis: CliProcess[] = [];

afterEach(async () => {
  for (const cli of clis.splice(0)) await cli.stop();
});

function configFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ops-metrics-'));
  const file = join(dir, 'mcp.json');
  const server = { ...workspaceStdioCommand('c'), required: true };
  writeFileSync(
    file,
    JSON.stringify({ mcpServers: { alpha: server, beta: workspaceStdioCommand('d') } }),
  );
  return file;
}

describe('the CLI with --metrics and --metrics-port', () => {
  it('serves /metrics behind the token, /healthz and /readyz public, and all three on the metrics port', async () => {
    const cli = startCli([
      configFile(),
      '--transport',
      'http',
      '--port',
      '0',
      '--auth-token',
      'tok-123',
      '--metrics',
      '--metrics-port',
      '0',
    ]);
    clis.push(cli);
    const [, base] = await cli.waitForStderr(LISTENING);
    const [, ops] = await cli.waitForStderr(METRICS);
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const authed = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer tok-123' } });
    expect(authed.status).toBe(200);
    const samples = parseExposition(await authed.text());
    expect(sampleValue(samples, 'mcp_proxy_front_sessions')).toBe(0);
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as {
      status: string;
      backends: Array<{ name: string; required: boolean }>;
    };
    expect(body.status).toBe('ready');
    expect(body.backends.map((b) => [b.name, b.required])).toEqual([
      ['alpha', true],
      ['beta', false],
    ]);
    // The metrics port: no token needed.
    const scraped = await fetch(`${ops}/metrics`);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('mcp_proxy_backend_sessions{backend="alpha"}');
    expect((await fetch(`${ops}/readyz`)).status).toBe(200);
    expect((await fetch(`${ops}/healthz`)).status).toBe(200);
  });
});
