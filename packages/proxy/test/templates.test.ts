import {
  createProxy,
  defineResourceTemplate,
  ProviderServer,
  ProxyClient,
  ProxyServer,
} from '@org/proxy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CountingBackend } from './fixtures/countingBackend';
import { type Front, frontInMemory } from './fixtures/fronts';

function queryBackend(): ProviderServer {
  const server = new ProviderServer({ name: 'query' });
  server.add(
    defineResourceTemplate({
      uriTemplate: 'data://{id}{?format}',
      name: 'item',
      read: ({ id, format }) => `id=${id} format=${format ?? 'json'}`,
    }),
    defineResourceTemplate({
      uriTemplate: 'data://items/{id}{?limit,offset}',
      name: 'page',
      read: ({ id, limit, offset }) => `id=${id} limit=${limit} offset=${offset}`,
    }),
    defineResourceTemplate({
      uriTemplate: 'api://{id}{?api-version}',
      name: 'versioned',
      read: (params) => `id=${params.id} api-version=${params['api-version']}`,
    }),
    defineResourceTemplate({
      uriTemplate: 'files://{path*}',
      name: 'file',
      read: ({ path }) => `path=${path}`,
    }),
  );
  return server;
}

/** [URI asked for, text the backend answers]: the URI is given without a namespace. */
const CASES: Array<[string, string]> = [
  ['data://123?format=xml', 'id=123 format=xml'],
  ['data://123', 'id=123 format=json'],
  ['data://items/9?limit=5&offset=20', 'id=9 limit=5 offset=20'],
  ['data://items/9?offset=20&limit=5', 'id=9 limit=5 offset=20'],
  ['data://a%2Fb', 'id=a/b format=json'],
  ['data://S%C3%A3o%20Paulo?format=a%20b', 'id=São Paulo format=a b'],
  ['api://x?api-version=v2', 'id=x api-version=v2'],
  ['api://x?api-version=a%2Fb', 'id=x api-version=a/b'],
  ['files://dir/sub/file.txt', 'path=dir/sub/file.txt'],
];

describe.each([
  ['a proxy of one backend', ''],
  ['a namespaced backend', 'ns'],
])('template parameters through %s', (_label, ns) => {
  let backend: CountingBackend;
  let proxy: ProxyServer;
  let client: ProxyClient;
  let front: Front;
  const exposed = (uri: string) => (ns ? uri.replace('://', `://${ns}/`) : uri);

  beforeAll(async () => {
    backend = new CountingBackend(queryBackend());
    client = new ProxyClient(backend);
    proxy = ns
      ? new ProxyServer({
          backends: [{ name: 'query', clientFactory: () => client, namespace: ns }],
        })
      : createProxy(backend);
    front = await frontInMemory(proxy);
  });

  afterAll(async () => {
    await front?.close();
    await proxy?.close();
    await client?.dispose();
  });

  it('lists the templates under their exposed URI templates', async () => {
    const { resourceTemplates } = await front.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual([
      exposed('data://{id}{?format}'),
      exposed('data://items/{id}{?limit,offset}'),
      exposed('api://{id}{?api-version}'),
      exposed('files://{path*}'),
    ]);
  });

  it.each(CASES)('reads %s with the parameters the backend expects', async (uri, text) => {
    const result = await front.client.readResource({ uri: exposed(uri) });
    expect(result.contents).toEqual([{ uri: exposed(uri), text }]);
  });

  it('sends the backend its own URIs', async () => {
    backend.reset();
    await front.client.readResource({ uri: exposed('data://a%2Fb?format=x%2Fy') });
    await front.client.readResource({ uri: exposed('api://x?api-version=v2') });
    const sent = backend.requests.filter((r) => r.method === 'resources/read');
    const uris = sent.map((r) => r.params?.uri);
    if (ns) expect(uris).toEqual(['data://a%2Fb?format=x/y', 'api://x?api-version=v2']);
    else expect(uris).toEqual(['data://a%2Fb?format=x%2Fy', 'api://x?api-version=v2']);
  });

  it('passes a URI no template matches to the backend, whose refusal the client gets', async () => {
    backend.reset();
    await expect(front.client.readResource({ uri: exposed('other://x') })).rejects.toMatchObject({
      code: -32002,
    });
    expect(backend.count('resources/read')).toBe(1);
  });
});
