import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { describe, expect, it } from 'vitest';
import { createConnector } from '../../src/client/index';
import { newClient } from '../fixtures/clientHelpers';
import { startStreamableServer } from '../fixtures/httpServers';

describe('a long-lived streamable HTTP backend connection', () => {
  it('lets every request add an abort listener to the shared signal without a MaxListenersExceededWarning', async () => {
    // Node's fetch adds one abort listener per request to the signal the SDK transport shares
    // between all its requests, and drops it only at garbage collection, so a long-lived backend
    // connection used to warn once enough requests had run between two collections. This fetch
    // keeps every listener (the worst case, independent of when the GC runs).
    const server = await startStreamableServer();
    const kept = new Set<AbortSignal>();
    const retaining: FetchLike = (url, init) => {
      if (init?.signal) {
        init.signal.addEventListener('abort', () => {});
        kept.add(init.signal);
      }
      return fetch(url, init);
    };
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    const connector = createConnector({ url: `${server.origin}/mcp`, fetch: retaining });
    const client = newClient();
    try {
      await client.connect(await connector.connect());
      // The SDK raises the signal's limit to 1,500 listeners: go past it.
      for (let i = 0; i < 1_520; i++) await client.ping();
      const result = await client.callTool({ name: 'greet', arguments: { name: 'still' } });
      expect(result.content).toEqual([{ type: 'text', text: 'Hello, still' }]);
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(kept.size).toBeGreaterThan(0);
      expect(warnings.filter((text) => text.startsWith('MaxListenersExceededWarning'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await client.close();
      await connector.close();
      await server.close();
    }
  }, 60_000);
});
