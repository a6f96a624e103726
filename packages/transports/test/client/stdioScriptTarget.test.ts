import { isPidAlive } from '@org/test-utils';
import { describe, expect, it } from 'vitest';
import { ChildProcessTransport, createClientTransport } from '../../src/client/index';
import { callJson, type EnvReport, envServerScript, newClient } from '../fixtures/clientHelpers';
import { expectNoChildLeftAfterEach } from '../fixtures/noChildLeft';

expectNoChildLeftAfterEach();

describe('script file targets', () => {
  it('runs a .mjs file with this Node, one-shot, and closing the transport kills the child', async () => {
    const transport = await createClientTransport(envServerScript, { killGraceMs: 500 });
    expect(transport).toBeInstanceOf(ChildProcessTransport);
    const client = newClient();
    try {
      await client.connect(transport);
      const report = await callJson<EnvReport>(client, 'env');
      const pid = (transport as ChildProcessTransport).pid!;
      expect(report.pid).toBe(pid);
      expect((transport as ChildProcessTransport).name).toBe('envServer.mjs');
      await client.close();
      expect(isPidAlive(pid)).toBe(false);
    } finally {
      await client.close();
    }
  });
});
