import { describe, expect, it, vi } from 'vitest';
import { serveHttp } from '../../src/server/index';
import { initializeRequest, post, useCleanup } from './fixtures/http';
import { countingFactory } from './fixtures/testServers';

/** The lengths of the buffers every `timingSafeEqual` call compared. */
const compared = vi.hoisted(() => [] as [number, number][]);

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return {
    ...actual,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      compared.push([a.byteLength, b.byteLength]);
      return actual.timingSafeEqual(a, b);
    },
  };
});

const defer = useCleanup();
const TOKEN = 'secret-token';

describe('serveHttp bearer auth', () => {
  it('compares fixed-length digests, whatever the length of the token given', async () => {
    const counter = countingFactory();
    const handle = await serveHttp(counter.factory, { authToken: TOKEN });
    defer(() => handle.close());
    const refused = [
      'Bearer s',
      'Bearer secret-tokem',
      'Bearer secret-token-and-more',
      `Bearer ${'x'.repeat(10_000)}`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      'Bearer \u00e9t\u00e9',
      'Basic c2VjcmV0LXRva2Vu',
      `${TOKEN}`,
    ];
    for (const authorization of refused) {
      compared.length = 0;
      const response = await post(handle.url, initializeRequest(), { authorization });
      expect(response.status, authorization).toBe(401);
      await response.body?.cancel();
      // One comparison, of two equally long digests: the time does not depend on the length.
      expect(compared, authorization).toEqual([[32, 32]]);
    }
    compared.length = 0;
    const none = await post(handle.url, initializeRequest());
    expect(none.status).toBe(401);
    await none.body?.cancel();
    expect(compared).toEqual([[32, 32]]);
    expect(counter.sessions).toHaveLength(0);

    for (const authorization of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `BEARER  ${TOKEN} `]) {
      const response = await post(handle.url, initializeRequest(), { authorization });
      expect(response.status, authorization).toBe(200);
      await response.body?.cancel();
    }
    expect(counter.sessions).toHaveLength(3);
  });

  it('accepts a non-ASCII token sent as UTF-8', async () => {
    const counter = countingFactory();
    const token = 'cl\u00e9-\u{1F511}';
    const handle = await serveHttp(counter.factory, { authToken: token });
    defer(() => handle.close());
    const utf8AsLatin1 = Buffer.from(token, 'utf8').toString('latin1');
    const response = await post(handle.url, initializeRequest(), {
      authorization: `Bearer ${utf8AsLatin1}`,
    });
    expect(response.status).toBe(200);
    await response.body?.cancel();
  });
});
