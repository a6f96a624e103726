import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  defaultTokenStorePath,
  FileTokenStore,
  MemoryTokenStore,
  type OAuthGrantRecord,
  ProxyErrorCode,
} from '../../src/index';

// Promise: grants are kept one per backend URL and per principal; the file store is private
// (0600 in a 0700 directory), survives two writers (two processes: a login and a refreshing
// proxy) without losing either's write, is read again when another process changed it, and a
// file that is not a store is an error naming it, never overwritten.

const url = 'https://backend.example.test/mcp';

function record(backend: string, token: string): OAuthGrantRecord {
  return {
    backend,
    tokens: { access_token: token, token_type: 'Bearer' },
    updatedAt: Date.now(),
  };
}

function freshFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'token-store-')), 'nested', 'grants.json');
}

describe.each([
  ['memory', () => new MemoryTokenStore()],
  ['file', () => new FileTokenStore(freshFile())],
])('the %s token store', (_kind, make) => {
  it('keeps one grant per URL and per principal', async () => {
    const store = make();
    await store.update({ url }, () => record('ws', 'own-token'));
    await store.update({ url, principal: 'alice' }, () => record('ws', 'alice-token'));
    await store.update({ url, principal: 'bob' }, () => record('ws', 'bob-token'));
    expect((await store.read({ url }))?.tokens?.access_token).toBe('own-token');
    expect((await store.read({ url, principal: 'alice' }))?.tokens?.access_token).toBe(
      'alice-token',
    );
    expect(await store.read({ url, principal: 'carol' })).toBeUndefined();
    expect(await store.read({ url: 'https://other.example.test/mcp' })).toBeUndefined();
    await store.update({ url, principal: 'alice' }, () => undefined);
    const keys = (await store.list()).map((entry) => entry.key.principal ?? '(proxy)').sort();
    expect(keys).toEqual(['(proxy)', 'bob']);
  });

  it('hands out copies: changing a read record changes nothing stored', async () => {
    const store = make();
    await store.update({ url }, () => record('ws', 'kept'));
    const read = await store.read({ url });
    read!.tokens!.access_token = 'changed';
    expect((await store.read({ url }))?.tokens?.access_token).toBe('kept');
  });
});

describe('the file token store', () => {
  it('is private to the user: the file 0600, its directory 0700', async () => {
    const file = freshFile();
    await new FileTokenStore(file).update({ url }, () => record('ws', 't'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700);
  });

  it('loses no write of two stores on the same file written at once', async () => {
    const file = freshFile();
    const [first, second] = [new FileTokenStore(file), new FileTokenStore(file)];
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        (index % 2 ? first : second).update({ url, principal: `user-${index}` }, () =>
          record('ws', `token-${index}`),
        ),
      ),
    );
    const principals = (await new FileTokenStore(file).list()).map((entry) => entry.key.principal);
    expect(principals.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `user-${i}`).sort());
  });

  it('sees what another store wrote since it last read', async () => {
    const file = freshFile();
    const proxy = new FileTokenStore(file);
    expect(await proxy.read({ url })).toBeUndefined();
    await new FileTokenStore(file).update({ url }, () => record('ws', 'from-login'));
    expect((await proxy.read({ url }))?.tokens?.access_token).toBe('from-login');
  });

  it('refuses a file that is not a store, naming it, and leaves it as it was', async () => {
    const file = freshFile();
    await new FileTokenStore(file).update({ url }, () => record('ws', 't'));
    writeFileSync(file, '{"something": "else"}');
    const store = new FileTokenStore(file);
    await expect(store.read({ url })).rejects.toMatchObject({
      code: ProxyErrorCode.InvalidConfig,
      message: expect.stringContaining(`Token store ${file} is not a token store`),
    });
    await expect(store.update({ url }, () => record('ws', 'x'))).rejects.toThrow(file);
    expect(readFileSync(file, 'utf8')).toBe('{"something": "else"}');
  });

  it('defaults to the variable, else the XDG config directory', () => {
    expect(defaultTokenStorePath({ ORG_MCP_PROXY_TOKEN_STORE: '/x/grants.json' })).toBe(
      '/x/grants.json',
    );
    expect(defaultTokenStorePath({ XDG_CONFIG_HOME: '/cfg' })).toBe(
      '/cfg/org-mcp-proxy/oauth-grants.json',
    );
  });
});
