import { describe, expect, it } from 'vitest';
import { ChildProcessTransport } from '../../src/client/index';
import { callJson, envServerTarget, newClient } from '../fixtures/clientHelpers';
import { expectNoChildLeftAfterEach } from '../fixtures/noChildLeft';

expectNoChildLeftAfterEach();

describe('stdio stderr modes', () => {
  it('pipe: captures what the child writes to stderr and hands chunks to onStderr', async () => {
    const chunks: string[] = [];
    let sawMarker!: () => void;
    const marker = new Promise<void>((resolve) => {
      sawMarker = resolve;
    });
    const transport = new ChildProcessTransport(envServerTarget({ stderr: 'pipe' }), {
      onStderr: (chunk) => {
        chunks.push(chunk);
        if (chunks.join('').includes('marker-from-tool')) sawMarker();
      },
    });
    const client = newClient();
    try {
      await client.connect(transport);
      await callJson(client, 'stderr', { text: 'marker-from-tool' });
      await marker;
      expect(chunks.join('')).toContain(`env-server starting, pid ${transport.pid}`);
      expect(transport.stderrTail()).toContain('marker-from-tool');
      expect(transport.stderrTail()).toContain('env-server starting');
    } finally {
      await client.close();
    }
  });

  it('pipe: keeps only the last ~8 KB', async () => {
    let sawEnd!: () => void;
    const end = new Promise<void>((resolve) => {
      sawEnd = resolve;
    });
    const transport = new ChildProcessTransport(envServerTarget({ stderr: 'pipe' }), {
      onStderr: (chunk) => {
        if (chunk.includes('END')) sawEnd();
      },
    });
    const client = newClient();
    try {
      await client.connect(transport);
      await callJson(client, 'stderr', { text: `${'x'.repeat(20_000)}END` });
      await end;
      expect(transport.stderrTail().length).toBeLessThanOrEqual(8192);
      expect(transport.stderrTail().length).toBeGreaterThan(8000);
      expect(transport.stderrTail()).toMatch(/^x+END\n$/);
    } finally {
      await client.close();
    }
  });

  it('ignore: discards stderr and still works', async () => {
    const chunks: string[] = [];
    const transport = new ChildProcessTransport(envServerTarget({ stderr: 'ignore' }), {
      onStderr: (chunk) => chunks.push(chunk),
    });
    const client = newClient();
    try {
      await client.connect(transport);
      const written = await callJson<{ written: number }>(client, 'stderr', { text: 'lost' });
      expect(written.written).toBe(4);
      expect(transport.stderrTail()).toBe('');
      expect(chunks).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
