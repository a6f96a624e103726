import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { closedPort, waitFor, workspaceStdioCommand } from '@org/test-utils';
import { describe, expect, it } from 'vitest';
import { startCli } from '../cli/cliProcess';

// Promise: the secrets of a config file (env values, `${VAR}` headers, tokens in a URL) never
// reach the CLI's log, even when the server they belong to fails and its error is logged with
// its URL, in the text format and in JSON.

const LISTENING = /Proxy listening on (http:\/\/\S+) \(SSE: \S+\)/;
const ENV_SECRET = 'cfg-env-secret-5d41402abc';
const URL_SECRET = 'cfg-url-secret-7d793037a0';
const HEADER_SECRET = 'cfg-hdr-secret-9e107d9d37';

async function configFile(): Promise<string> {
  const good = workspaceStdioCommand('g');
  const config = {
    mcpServers: {
      good: { ...good, env: { ...good.env, UPSTREAM_KEY: ENV_SECRET } },
      dead: {
        url: `http://127.0.0.1:${await closedPort()}/mcp?api_key=${URL_SECRET}`,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference of the config file, which the CLI expands
        headers: { 'X-Api-Key': '${DEAD_KEY}' },
      },
    },
  };
  const file = join(mkdtempSync(join(tmpdir(), 'cli-secrets-')), 'mcp.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

describe('the CLI log and the secrets of its config file', () => {
  for (const format of ['text', 'json'] as const) {
    it(`keeps env values, header values and URL tokens out of the ${format} log of a failing server`, async () => {
      const cli = startCli(
        [
          await configFile(),
          '--transport',
          'http',
          '--port',
          '0',
          '--log-level',
          'debug',
          '--log-format',
          format,
        ],
        { ...process.env, DEAD_KEY: HEADER_SECRET },
      );
      const client = new Client({ name: 'secrets', version: '1.0.0' });
      try {
        const [, url] = await cli.waitForStderr(LISTENING);
        await client.connect(new StreamableHTTPClientTransport(new URL(url!)));
        const { tools } = await client.listTools();
        // The good server serves; the dead one is skipped, and its failure is logged.
        expect(tools.map((tool) => tool.name)).toContain('good_whoami');
        await waitFor(() => /dead/.test(cli.stderr()) && /127\.0\.0\.1/.test(cli.stderr()), {
          timeoutMs: 10_000,
          what: 'the dead server failure in the log',
        });
        const log = cli.stderr();
        // The server is named by its URL without the query, where tokens go.
        expect(log).toMatch(/backend dead: http:\/\/127\.0\.0\.1:\d+\/mcp\b/);
        for (const secret of [ENV_SECRET, URL_SECRET, HEADER_SECRET]) {
          expect(log, secret).not.toContain(secret);
        }
      } finally {
        await client.close();
        await cli.stop();
      }
    });
  }
});
