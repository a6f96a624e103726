// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` here is config text, not a template
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { isPidAlive } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ChildProcessTransport,
  createClientTransport,
  createConnector,
} from '../../src/client/index';
import { loadMcpConfig, mcpConfigServers } from '../../src/config/index';
import { serveHttp } from '../../src/server/index';
import { callJson, type EnvReport, envServerScript, newClient } from '../fixtures/clientHelpers';
import { expectNoChildLeftAfterEach } from '../fixtures/noChildLeft';
import { countingFactory } from '../server/fixtures/testServers';

expectNoChildLeftAfterEach();

describe('an mcpServers config file, all the way to connected backends', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function writeConfig(config: unknown): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mcp-config-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'mcp.json');
    await writeFile(file, JSON.stringify(config, null, 2));
    return file;
  }

  async function connected(transport: Transport | Promise<Transport>): Promise<Client> {
    const client = newClient();
    cleanups.push(() => client.close());
    await client.connect(await transport);
    return client;
  }

  it('connects a stdio and a remote server of a file through createConnector and createClientTransport', async () => {
    const counter = countingFactory();
    const http = await serveHttp(counter.factory, { authToken: 'remote-token' });
    cleanups.push(() => http.close());
    const file = await writeConfig({
      mcpServers: {
        local: {
          command: '${NODE_BIN}',
          args: ['${ENV_SERVER}'],
          env: { GREETING: 'hello from ${WHO}' },
          stderr: 'ignore',
        },
        remote: { url: '${REMOTE_URL}', auth: '${REMOTE_TOKEN}' },
        retired: { command: 'no-such-command', disabled: true },
      },
    });
    const config = await loadMcpConfig(file, {
      env: {
        NODE_BIN: process.execPath,
        ENV_SERVER: envServerScript,
        WHO: 'the config',
        REMOTE_URL: http.url,
        REMOTE_TOKEN: 'remote-token',
      },
    });
    const entries = mcpConfigServers(config);
    expect(entries.map((entry) => entry.name)).toEqual(['local', 'remote']);
    const [local, remote] = entries.map((entry) => entry.target);

    // The stdio entry, through a connector.
    const connector = createConnector(local!);
    cleanups.push(() => connector.close());
    expect(connector.describe()).toBe(`stdio backend local: ${process.execPath}`);
    const transport = (await connector.connect()) as ChildProcessTransport;
    const viaConnector = await connected(transport);
    const { tools } = await viaConnector.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['env', 'stderr', 'exit']);
    const report = await callJson<EnvReport>(viaConnector, 'env', { names: ['GREETING'] });
    expect(report.values).toEqual({ GREETING: 'hello from the config' });
    expect(report.pid).toBe(transport.pid);

    // The same entry, one-shot.
    const oneShot = await connected(createClientTransport(local!));
    expect((await oneShot.listTools()).tools.map((tool) => tool.name)).toContain('env');

    // The remote entry: streamable HTTP inferred from the URL, with the bearer token.
    const viaHttp = await connected(createConnector(remote!).connect());
    expect((await viaHttp.listTools()).tools.map((tool) => tool.name)).toContain('echo');
    expect(counter.sessions).toEqual([
      { sessionId: expect.any(String), transport: 'streamable-http' },
    ]);

    await viaConnector.close();
    await connector.close();
    expect(isPidAlive(report.pid)).toBe(false);
  });
});
