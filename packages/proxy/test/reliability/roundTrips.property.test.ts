import { namespaceName, namespaceUri, unnamespaceName, unnamespaceUri } from '@org/core';
import {
  boundedNamespace,
  composedName,
  defineResource,
  defineResourceTemplate,
  defineTool,
  namespaceFor,
  ProviderServer,
  ProxyClient,
  ProxyServer,
  TOOL_NAME_PATTERN,
  UriTemplate,
} from '@org/proxy';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { frontInMemory } from '../fixtures/fronts';
import { Cleanup, textOf } from './fixtures/harness';

// Promise (property-based): namespacing a name or URI and reversing it gives the original;
// composed tool names always satisfy ^[a-zA-Z0-9_-]{1,64}$ and the proxy finds the backend name
// again (or reports a collision, never a wrong tool); expanding a URI template and matching it
// back gives the original parameters, reserved characters included, also through a proxy.
// (More UriTemplate properties: packages/core/test/uriTemplate.test.ts.)

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** Characters that need care: reserved ones, '%', space, '+', non-ASCII (astral included). */
const tricky = fc.constantFrom(...":/?#[]@!$&'()*+,;=% ~-._", 'é', '中', '😀', 'Ω', '\u0000');
const char = fc.oneof(tricky, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }));
const text = (minLength: number, maxLength = 16) => fc.string({ unit: char, minLength, maxLength });
const namespace = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/);
const validName = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
const scheme = fc.stringMatching(/^[a-z][a-z0-9+.-]{0,8}$/);

describe('namespacing round trips', () => {
  it('unnamespaceName(namespaceName(name)) gives the name back; other names are not claimed', () => {
    fc.assert(
      fc.property(namespace, text(1, 80), namespace, (ns, name, other) => {
        expect(unnamespaceName(ns, namespaceName(ns, name))).toBe(name);
        const foreign = namespaceName(other, name);
        if (!foreign.startsWith(`${ns}_`)) expect(unnamespaceName(ns, foreign)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('unnamespaceUri(namespaceUri(uri)) gives the URI or template back, whatever its path', () => {
    fc.assert(
      fc.property(namespace, scheme, text(0, 40), (ns, s, rest) => {
        const uri = `${s}://${rest}`;
        const exposed = namespaceUri(ns, uri);
        expect(exposed.startsWith(`${s}://${ns}/`)).toBe(true);
        expect(unnamespaceUri(ns, exposed)).toBe(uri);
      }),
      { numRuns: 300 },
    );
  });

  it('composedName within 64 characters is plain ns_name and reverses', () => {
    fc.assert(
      fc.property(namespace, validName, (ns, name) => {
        fc.pre(ns.length + 1 + name.length <= 64);
        const exposed = composedName(ns, name);
        expect(exposed).toBe(`${ns}_${name}`);
        expect(unnamespaceName(ns, exposed)).toBe(name);
      }),
      { numRuns: 300 },
    );
  });

  it('composedName of any name is a valid, deterministic tool name', () => {
    fc.assert(
      fc.property(namespace, text(1, 120), (ns, name) => {
        const exposed = composedName(ns, name);
        expect(exposed).toMatch(TOOL_NAME_PATTERN);
        expect(composedName(ns, name)).toBe(exposed);
      }),
      { numRuns: 300 },
    );
  });

  it('the bounded namespace finds each backend name again from its exposed name', () => {
    const toolOf = (name: string) => defineTool({ name, handler: () => name });
    fc.assert(
      fc.property(
        namespace,
        fc.uniqueArray(text(1, 90), { minLength: 1, maxLength: 8 }),
        (ns, names) => {
          const transform = boundedNamespace(ns);
          const exposed = names.map((name) => transform.tool!(toolOf(name))?.name);
          // Names that clean to the same exposed name collide: the proxy reports that (below).
          fc.pre(new Set(exposed).size === names.length);
          names.forEach((name, i) => {
            expect(exposed[i]).toMatch(TOOL_NAME_PATTERN);
            expect(transform.toolKey!(exposed[i]!)).toBe(name);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** A proxy of in-process servers, each namespaced by its name, as a multi-server config does. */
function composed(servers: Record<string, ProviderServer>, run: Cleanup): ProxyServer {
  const backends = Object.entries(servers).map(([name, server]) => {
    const client = new ProxyClient(server, { name });
    return {
      name,
      namespace: namespaceFor(name),
      clientFactory: () => client,
      dispose: () => client.dispose(),
    };
  });
  return run.add(new ProxyServer({ backends }), (p) => p.close());
}

/** A backend whose tools have the given names; each answers with its own name. */
function namedBackend(names: string[]): ProviderServer {
  const server = new ProviderServer({ name: 'named' });
  server.add(...names.map((name) => defineTool({ name, handler: () => `ran ${name}` })));
  return server;
}

describe('names through a composed proxy', () => {
  it('every listed name calls the backend tool of that name, or the collision is reported', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(text(1, 90), { minLength: 1, maxLength: 5 }),
        async (names) => {
          const run = new Cleanup();
          try {
            const proxy = composed(
              {
                'srv.one': run.add(namedBackend(names), (s) => s.close()),
                other: run.add(namedBackend(['x']), (s) => s.close()),
              },
              run,
            );
            const front = run.add(await frontInMemory(proxy), (f) => f.close());
            const listed = await front.client.listTools().then(
              (result) => result.tools.map((tool) => tool.name),
              (error: Error) => error,
            );
            if (listed instanceof Error) {
              expect(listed.message).toMatch(/Two servers expose tool/);
              return;
            }
            expect(listed).toHaveLength(names.length + 1);
            const ran = [];
            for (const name of listed.filter((n) => n !== 'other_x')) {
              expect(name).toMatch(TOOL_NAME_PATTERN);
              ran.push(textOf(await front.client.callTool({ name, arguments: {} })));
            }
            expect(ran.sort()).toEqual(names.map((name) => `ran ${name}`).sort());
          } finally {
            await run.run();
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('URI template round trips', () => {
  it('match(expand(params)) gives the params back for each kind of expression', () => {
    const cases: Array<[string, fc.Arbitrary<Record<string, string>>]> = [
      ['x://{a}/{b}', fc.record({ a: text(1), b: text(1) })],
      ['x://files/{+path}', fc.record({ path: text(1).filter((p) => !/[?#]/.test(p)) })],
      ['x://{a}{/rest*}', fc.record({ a: text(1), rest: text(1) })],
      ['x://doc{.ext}', fc.record({ ext: text(1).filter((e) => !e.includes('.')) })],
      ['x://search{?q,lang}', fc.record({ q: text(0), lang: text(0) }, { requiredKeys: [] })],
      // {&m} continues a query: RFC 6570 expands it to `&m=` even when {?n} gave nothing.
      [
        'x://{a}/page{?n}{&m}',
        fc.record({ a: text(1), n: text(0), m: text(0) }, { requiredKeys: ['a', 'n'] }),
      ],
    ];
    for (const [source, params] of cases) {
      const template = new UriTemplate(source);
      fc.assert(
        fc.property(params, (p) => {
          expect(template.match(template.expand(p))).toEqual(p);
        }),
        { numRuns: 150 },
      );
    }
  });

  it('a namespaced template read through a proxy reaches the backend with the original parameters', async () => {
    const received: Array<Record<string, string | undefined>> = [];
    const backend = cleanup.add(new ProviderServer({ name: 'tpl' }), (s) => s.close());
    backend.add(
      defineResourceTemplate({
        uriTemplate: 'data://user/{id}/file{?version}',
        name: 'user_file',
        read: (params) => {
          received.push(params);
          return JSON.stringify(params);
        },
      }),
      defineResource({ uri: 'data://static', name: 'static', read: () => 'static' }),
    );
    const other = cleanup.add(new ProviderServer({ name: 'other' }), (s) => s.close());
    const proxy = composed({ tpl: backend, other }, cleanup);
    const front = cleanup.add(await frontInMemory(proxy), (f) => f.close());
    const { resourceTemplates } = await front.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual([
      'data://tpl/user/{id}/file{?version}',
    ]);
    const exposed = new UriTemplate(resourceTemplates[0]!.uriTemplate);
    await fc.assert(
      fc.asyncProperty(text(1), text(0), async (id, version) => {
        const params = { id, version };
        const read = await front.client.readResource({ uri: exposed.expand(params) });
        expect(JSON.parse((read.contents[0] as { text: string }).text)).toEqual(params);
        expect(received.at(-1)).toEqual(params);
      }),
      { numRuns: 100 },
    );
  });

  it('an unknown namespace or scheme is not found, not mapped to another server', async () => {
    const backend = cleanup.add(new ProviderServer({ name: 'tpl' }), (s) => s.close());
    backend.add(defineResource({ uri: 'data://static', name: 'static', read: () => 'static' }));
    const other = cleanup.add(new ProviderServer({ name: 'other' }), (s) => s.close());
    const proxy = composed({ tpl: backend, other }, cleanup);
    const front = cleanup.add(await frontInMemory(proxy), (f) => f.close());
    const read = await front.client.readResource({ uri: 'data://tpl/static' });
    expect((read.contents[0] as { text: string }).text).toBe('static');
    await fc.assert(
      fc.asyncProperty(scheme, text(0, 30), async (s, rest) => {
        fc.pre(!(s === 'data' && rest === 'tpl/static'));
        await expect(front.client.readResource({ uri: `${s}://${rest}` })).rejects.toMatchObject({
          code: -32002,
        });
      }),
      { numRuns: 100 },
    );
  });
});
