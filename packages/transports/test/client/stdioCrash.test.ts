import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { isPidAlive, waitFor } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendConnector } from '../../src/client/index';
import { type ChildProcessTransport, createConnector } from '../../src/client/index';
import { ProxyError, ProxyErrorCode } from '../../src/errors';
import { callJson, type EnvReport, envServerTarget, newClient } from '../fixtures/clientHelpers';
import { expectNoChildLeftAfterEach } from '../fixtures/noChildLeft';

expectNoChildLeftAfterEach();

/** Resolves with the errors seen once the transport (as wired by the client) closes. */
function closed(transport: ChildProcessTransport): Promise<Error[]> {
  const errors: Error[] = [];
  const onerror = transport.onerror;
  const onclose = transport.onclose;
  return new Promise((resolve) => {
    transport.onerror = (error) => {
      errors.push(error);
      onerror?.(error);
    };
    transport.onclose = () => {
      onclose?.();
      resolve(errors);
    };
  });
}

describe('stdio backend that dies', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function connect(connector: BackendConnector): Promise<[Client, ChildProcessTransport]> {
    const transport = (await connector.connect()) as ChildProcessTransport;
    const client = newClient();
    await client.connect(transport);
    cleanup.push(() => client.close());
    return [client, transport];
  }

  it('reports kill -9 as an error and a close, and the connector connects again', async () => {
    const connector = createConnector(envServerTarget({ stderr: 'ignore' }));
    cleanup.push(() => connector.close());
    const [client, transport] = await connect(connector);
    const firstPid = transport.pid!;
    const done = closed(transport);
    let clientClosed = false;
    client.onclose = () => {
      clientClosed = true;
    };

    process.kill(firstPid, 'SIGKILL');
    const errors = await done;
    expect(clientClosed).toBe(true);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ProxyError);
    expect((errors[0] as ProxyError).code).toBe(ProxyErrorCode.BackendClosed);
    expect(errors[0]!.message).toBe('Backend env-server exited with signal SIGKILL');
    await expect(transport.send({ jsonrpc: '2.0', method: 'ping', id: 1 })).rejects.toThrow(
      'Transport is not open: env-server',
    );

    const [again, second] = await connect(connector);
    expect(second.pid).not.toBe(firstPid);
    const report = await callJson<EnvReport>(again, 'env');
    expect(report.pid).toBe(second.pid);

    await again.close();
    await waitFor(() => !isPidAlive(second.pid!), { what: 'the second child to exit' });
  });

  it('names the exit code and quotes the stderr tail when the child exits by itself', async () => {
    const chunks: string[] = [];
    const connector = createConnector(envServerTarget({ stderr: 'pipe' }), {
      onStderr: (chunk) => chunks.push(chunk),
    });
    cleanup.push(() => connector.close());
    const [client, transport] = await connect(connector);
    const done = closed(transport);

    await expect(
      client.callTool({ name: 'exit', arguments: { code: 3, text: 'fatal: out of cheese' } }),
    ).rejects.toThrow();
    const errors = await done;
    expect(errors).toHaveLength(1);
    expect((errors[0] as ProxyError).code).toBe(ProxyErrorCode.BackendClosed);
    expect(errors[0]!.message).toMatch(
      /^Backend env-server exited with code 3, stderr: [\s\S]*fatal: out of cheese$/,
    );
    expect((errors[0] as ProxyError).data).toMatchObject({ code: 3, signal: null });
    expect(chunks.join('')).toContain('fatal: out of cheese');
  });
});
