import { describe, expect, it } from 'vitest';
import { ChildProcessTransport, createConnector } from '../../src/client/index';
import { ProxyError, ProxyErrorCode } from '../../src/errors';
import { newClient } from '../fixtures/clientHelpers';
import { expectNoChildLeftAfterEach } from '../fixtures/noChildLeft';

expectNoChildLeftAfterEach();

describe('stdio spawn failure', () => {
  it('rejects start with BackendUnavailable naming the command, not the environment', async () => {
    const connector = createConnector({
      command: 'definitely-not-a-command-xyz',
      env: { API_KEY: 'super-secret-value' },
    });
    try {
      const client = newClient();
      const error = await client.connect(await connector.connect()).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(ProxyError);
      expect((error as ProxyError).code).toBe(ProxyErrorCode.BackendUnavailable);
      expect((error as ProxyError).message).toMatch(
        /^Cannot start backend definitely-not-a-command-xyz: .*definitely-not-a-command-xyz.*ENOENT/,
      );
      expect((error as ProxyError).message).not.toContain('super-secret-value');
    } finally {
      await connector.close();
    }
  });

  it('rejects when the working directory does not exist', async () => {
    const transport = new ChildProcessTransport({
      command: process.execPath,
      cwd: '/nonexistent/dir/for/test',
      name: 'bad-cwd',
    });
    await expect(transport.start()).rejects.toMatchObject({
      code: ProxyErrorCode.BackendUnavailable,
      message: expect.stringMatching(/^Cannot start backend bad-cwd: /),
    });
    await expect(transport.send({ jsonrpc: '2.0', method: 'ping', id: 1 })).rejects.toThrow(
      'Transport is not open: bad-cwd',
    );
  });

  it('rejects a start aborted by its signal', async () => {
    const controller = new AbortController();
    controller.abort();
    const transport = new ChildProcessTransport(
      { command: process.execPath, name: 'aborted' },
      { signal: controller.signal },
    );
    await expect(transport.start()).rejects.toThrow('Cannot start backend aborted: aborted');
  });
});
