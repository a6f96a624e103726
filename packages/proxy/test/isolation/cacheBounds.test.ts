import { createProxy, type HttpServerHandle, type ProxyServer, serveHttp } from '@org/proxy';
import { startWorkspaceHttp, type WorkspaceHttp } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { type Front, frontHttp } from '../fixtures/fronts';
import { callJson } from './fixtures';

let proxy: ProxyServer | undefined;
let front: HttpServerHandle | undefined;
let backend: WorkspaceHttp | undefined;
const fronts: Front[] = [];

afterEach(async () => {
  for (const f of fronts.splice(0)) await f.close();
  await front?.close();
  await proxy?.close();
  await backend?.stop();
  [proxy, front, backend] = [undefined, undefined, undefined];
});

describe('cache partitions of forwarded credentials', () => {
  it('stay within maxCacheEntries however many tokens rotate through, each client keeping its own', async () => {
    backend = await startWorkspaceHttp();
    proxy = createProxy(backend.url, {
      strategy: 'shared',
      forwardHeaders: ['authorization'],
      maxCacheEntries: 8,
    });
    front = await serveHttp(proxy, { port: 0 });
    const provider = proxy.proxyProviders[0]!;
    for (let index = 0; index < 30; index++) {
      const token = `Bearer rotated-${index}`;
      const client = await frontHttp(front.url, {}, `c${index}`, undefined, {
        authorization: token,
      });
      fronts.push(client);
      await client.client.listTools();
      expect(await callJson(client.client, 'whoami')).toMatchObject({ authorization: token });
      expect(provider.cache.size).toBeLessThanOrEqual(8);
      await client.close();
      fronts.pop();
    }
    expect(provider.cache.size).toBe(8);
  });
});
