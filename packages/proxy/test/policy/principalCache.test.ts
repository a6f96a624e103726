import type { CacheEvent } from '@org/proxy';
import { createProxy } from '@org/proxy';
import { startIssuer, workspaceStdioCommand } from '@org/test-utils';
import { describe, expect, it } from 'vitest';
import { Cleanup } from '../reliability/fixtures/harness';
import { connectAs, serveOAuthFront } from './oauthFront';

// Promise: behind an authenticated front, the list cache is partitioned by principal even
// under the shared strategy and the shared cache scope: a list fetched for one caller is never
// served to another, while each caller's own repeated lists are served from the cache.

describe('the list cache behind an OAuth front', () => {
  it('keeps one partition per principal under the shared scope', async () => {
    const cleanup = new Cleanup();
    try {
      const issuer = cleanup.add(await startIssuer(['alice', 'bob'], ['mcp:tools']), (i) =>
        i.close(),
      );
      const proxy = cleanup.add(
        createProxy(
          { mcpServers: { alpha: workspaceStdioCommand('a') } },
          { strategy: 'shared', cacheScope: 'shared' },
        ),
        (p) => p.close(),
      );
      const events: CacheEvent[] = [];
      proxy.observer.on('cache', (event) => {
        if (event.kind === 'tools') events.push(event);
      });
      const url = await serveOAuthFront(proxy, issuer, cleanup);
      const connect = async (id: string) => (await connectAs(url, issuer, cleanup, id)).client;
      const [alice, bob] = await Promise.all([connect('alice'), connect('bob')]);
      await alice.listTools();
      const afterAlice = events.length;
      await alice.listTools();
      expect(events.slice(afterAlice).map((e) => e.outcome)).toEqual(['hit']);
      const beforeBob = events.length;
      await bob.listTools();
      expect(events.slice(beforeBob).map((e) => e.outcome)).toEqual(['miss']);
      const again = events.length;
      await bob.listTools();
      await alice.listTools();
      expect(events.slice(again).map((e) => e.outcome)).toEqual(['hit', 'hit']);
    } finally {
      await cleanup.run();
    }
  });
});
