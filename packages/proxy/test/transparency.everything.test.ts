import { createProxy, type HttpServerHandle, type ProxyServer, serveHttp } from '@org/proxy';
import { childPids, waitFor } from '@org/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AnsweredRequests,
  answerLikeAUser,
  directEverything,
  everythingTarget,
  withoutTimes,
} from './fixtures/everything';
import { type Front, FULL_FRONT, frontHttp, frontInMemory } from './fixtures/fronts';

/**
 * Every tool server-everything lists to a front without capabilities, with the arguments it is
 * called with. Results are compared as they come, except for the time of day that the dynamic
 * resources embed (see `withoutTimes`).
 */
const CALLS: Array<[string, Record<string, unknown>]> = [
  ['echo', { message: 'héllo' }],
  ['get-annotated-message', { messageType: 'error' }],
  ['get-annotated-message', { messageType: 'success', includeImage: true }],
  ['get-annotated-message', { messageType: 'debug', includeImage: false }],
  ['get-env', {}],
  ['get-resource-links', { count: 4 }],
  ['get-resource-reference', { resourceType: 'Text', resourceId: 2 }],
  ['get-resource-reference', { resourceType: 'Blob', resourceId: 3 }],
  ['get-structured-content', { location: 'Chicago' }],
  ['get-sum', { a: 19, b: 23 }],
  ['get-tiny-image', {}],
  [
    'gzip-file-as-resource',
    { name: 'a.gz', data: 'data:text/plain;base64,aGVsbG8=', outputType: 'resource' },
  ],
  [
    'gzip-file-as-resource',
    { name: 'b.gz', data: 'data:text/plain;base64,aGk=', outputType: 'resourceLink' },
  ],
  // Each toggle is called twice: on, then off again (no timer is left running).
  ['toggle-simulated-logging', {}],
  ['toggle-simulated-logging', {}],
  ['toggle-subscriber-updates', {}],
  ['toggle-subscriber-updates', {}],
  ['trigger-long-running-operation', { duration: 0.1, steps: 2 }],
  ['get-sum', { a: 'not a number', b: 1 }],
];

/** Tools that need a front capability, called by fronts that answer alike. */
const CAPABILITY_CALLS: Array<[string, Record<string, unknown>]> = [
  ['get-roots-list', {}],
  ['trigger-sampling-request', { prompt: 'Say hi', maxTokens: 20 }],
  ['trigger-elicitation-request', {}],
  ['trigger-url-elicitation', { url: 'https://example.com/verify', elicitationId: 'e-1' }],
];

/**
 * Names the backend does not have are not compared: the proxy answers them itself, from its
 * cache, without asking the backend (see errors.test.ts).
 *
 * Tools not compared here: they appear only for fronts that declare a capability (sampling,
 * elicitation, roots; compared with CAPABILITY_CALLS) or need task-augmented execution, which a
 * proxy refuses.
 */
const SKIPPED = new Set([
  'get-roots-list',
  'trigger-elicitation-request',
  'trigger-url-elicitation',
  'trigger-sampling-request',
  'simulate-research-query',
  'trigger-sampling-request-async',
  'trigger-elicitation-request-async',
]);

const PROMPTS: Array<[string, Record<string, string>]> = [
  ['simple-prompt', {}],
  ['args-prompt', { city: 'Paris', state: 'IDF' }],
  ['args-prompt', { city: 'Lyon' }],
  ['completable-prompt', { department: 'Sales', name: 'Eve' }],
  ['resource-prompt', { resourceType: 'Text', resourceId: '4' }],
  ['resource-prompt', { resourceType: 'Blob', resourceId: '5' }],
];

async function outcome<T>(run: () => Promise<T>): Promise<unknown> {
  try {
    return withoutTimes(await run());
  } catch (error) {
    const { code, message } = error as { code?: number; message?: string };
    return { error: { code, message } };
  }
}

describe('transparency against server-everything over stdio', () => {
  let proxy: ProxyServer;
  let http: HttpServerHandle;
  let front: Front;
  let httpFront: Front;
  let direct: Front;
  let directFull: Front;
  let askedThroughProxy: AnsweredRequests;

  beforeAll(async () => {
    proxy = createProxy(everythingTarget());
    http = await serveHttp(proxy, { port: 0 });
    [front, httpFront, direct, directFull] = await Promise.all([
      frontInMemory(proxy),
      frontHttp(http.url, { capabilities: FULL_FRONT }, 'http-front', (client) => {
        askedThroughProxy = answerLikeAUser(client);
      }),
      directEverything(),
      directEverything({ capabilities: FULL_FRONT }),
    ]);
  }, 30_000);

  afterAll(async () => {
    await Promise.allSettled([front, httpFront, direct, directFull].map((f) => f?.close()));
    await http?.close();
    await proxy?.close();
    await waitFor(() => childPids().length === 0, { what: 'every stdio child to exit' });
  });

  it('advertises what the backend offers, tasks excepted', () => {
    const { tasks: _tasks, ...offered } = direct.client.getServerCapabilities() ?? {};
    expect(front.client.getServerCapabilities()).toEqual(offered);
    expect(httpFront.client.getServerCapabilities()).toEqual(offered);
  });

  it('lists every kind as server-everything does, to a bare front', async () => {
    expect(await front.client.listTools()).toEqual(await direct.client.listTools());
    expect(await front.client.listResources()).toEqual(await direct.client.listResources());
    expect(await front.client.listResourceTemplates()).toEqual(
      await direct.client.listResourceTemplates(),
    );
    expect(await front.client.listPrompts()).toEqual(await direct.client.listPrompts());
  });

  it('lists every kind as server-everything does, to an HTTP front with every capability', async () => {
    const tools = await httpFront.client.listTools();
    expect(tools).toEqual(await directFull.client.listTools());
    expect(tools.tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(['trigger-sampling-request', 'get-roots-list']),
    );
    expect(await httpFront.client.listResources()).toEqual(await directFull.client.listResources());
    expect(await httpFront.client.listResourceTemplates()).toEqual(
      await directFull.client.listResourceTemplates(),
    );
    expect(await httpFront.client.listPrompts()).toEqual(await directFull.client.listPrompts());
  });

  it('calls every tool with the same result as a direct call (skips named in SKIPPED)', async () => {
    const listed = (await direct.client.listTools()).tools.map((tool) => tool.name);
    const called = new Set(CALLS.map(([name]) => name));
    expect(listed.filter((name) => !called.has(name) && !SKIPPED.has(name))).toEqual([]);
    for (const [name, args] of CALLS) {
      const proxied = await outcome(() => front.client.callTool({ name, arguments: args }));
      const straight = await outcome(() => direct.client.callTool({ name, arguments: args }));
      expect({ name, result: proxied }).toEqual({ name, result: straight });
    }
  });

  it('reads every resource and template with the same result as a direct read', async () => {
    const { resources } = await direct.client.listResources();
    const uris = [
      ...resources.map((resource) => resource.uri),
      'demo://resource/dynamic/text/7',
      'demo://resource/dynamic/blob/8',
      'demo://resource/dynamic/text/0',
    ];
    for (const uri of uris) {
      const proxied = await outcome(() => front.client.readResource({ uri }));
      const straight = await outcome(() => direct.client.readResource({ uri }));
      expect({ uri, result: proxied }).toEqual({ uri, result: straight });
    }
  });

  it('renders every prompt with the same result as a direct render', async () => {
    const listed = (await direct.client.listPrompts()).prompts.map((prompt) => prompt.name);
    expect(listed.filter((name) => !PROMPTS.some(([p]) => p === name))).toEqual([]);
    for (const [name, args] of PROMPTS) {
      const proxied = await outcome(() => front.client.getPrompt({ name, arguments: args }));
      const straight = await outcome(() => direct.client.getPrompt({ name, arguments: args }));
      expect({ name, result: proxied }).toEqual({ name, result: straight });
    }
  });

  it('completes prompt arguments and template variables as server-everything does', async () => {
    const requests = [
      {
        ref: { type: 'ref/prompt', name: 'completable-prompt' },
        argument: { name: 'department', value: 'S' },
      },
      {
        ref: { type: 'ref/prompt', name: 'completable-prompt' },
        argument: { name: 'name', value: '' },
        context: { arguments: { department: 'Engineering' } },
      },
      {
        ref: { type: 'ref/prompt', name: 'resource-prompt' },
        argument: { name: 'resourceType', value: 'B' },
      },
      {
        ref: { type: 'ref/resource', uri: 'demo://resource/dynamic/text/{resourceId}' },
        argument: { name: 'resourceId', value: '12' },
      },
    ] as const;
    for (const request of requests) {
      const proxied = await front.client.complete(request as never);
      expect(proxied).toEqual(await direct.client.complete(request as never));
    }
  });

  it('calls the tools that need front capabilities with the same result, forwarding what they ask', async () => {
    const listed = (await directFull.client.listTools()).tools.map((tool) => tool.name);
    const called = new Set([...CALLS, ...CAPABILITY_CALLS].map(([name]) => name));
    expect(listed.filter((name) => !called.has(name) && !SKIPPED.has(name))).toEqual([]);
    // Every tool a front capability unlocks is called here, but those that need tasks.
    const needTasks = new Set([
      'simulate-research-query',
      'trigger-sampling-request-async',
      'trigger-elicitation-request-async',
    ]);
    expect(listed.filter((name) => !called.has(name) && !needTasks.has(name))).toEqual([]);
    const askedDirectly = answerLikeAUser(directFull.client);
    askedThroughProxy.length = 0;
    for (const [name, args] of CAPABILITY_CALLS) {
      const proxied = await outcome(() => httpFront.client.callTool({ name, arguments: args }));
      const straight = await outcome(() => directFull.client.callTool({ name, arguments: args }));
      expect({ name, result: proxied }).toEqual({ name, result: straight });
      expect(JSON.stringify(proxied)).not.toMatch(/error/i);
    }
    expect(
      JSON.stringify(await httpFront.client.callTool({ name: 'get-roots-list', arguments: {} })),
    ).toContain('file:///work');
    // server-everything asks for the roots once per session, 350 ms after it began or at the
    // first get-roots-list, whichever comes first: that request is left out of the comparison.
    const withoutRoots = (asked: AnsweredRequests) =>
      asked.filter((a) => a.method !== 'roots/list');
    expect(withoutRoots(askedThroughProxy).map((a) => a.method)).toEqual([
      'sampling/createMessage',
      'elicitation/create',
      'elicitation/create',
    ]);
    expect(withoutRoots(askedThroughProxy)[2]?.params).toMatchObject({
      mode: 'url',
      url: 'https://example.com/verify',
      elicitationId: 'e-1',
    });
    expect(withoutRoots(askedThroughProxy)).toEqual(withoutRoots(askedDirectly));
  });

  it('passes a URL elicitation required error (-32042) on with its elicitations', async () => {
    const args = { url: 'https://example.com/connect', errorPath: true };
    const failureOf = async (f: Front) => {
      try {
        await f.client.callTool({ name: 'trigger-url-elicitation', arguments: args });
      } catch (error) {
        const {
          code,
          message: raw,
          data,
        } = error as { code: number; message: string; data: unknown };
        // server-everything's SDK puts `MCP error -32042: ` in the wire message itself, which
        // the proxy drops (core's errorMapping keeps wire messages free of SDK prefixes), and
        // the client adds one: compare the messages without these prefixes.
        const message = raw.replace(/^(MCP error -?\d+: )+/, '');
        const elicitations = (data as { elicitations: Array<Record<string, unknown>> })
          .elicitations;
        // The elicitation id is random: compare the rest.
        return {
          code,
          message,
          elicitations: elicitations.map(({ elicitationId: _id, ...rest }) => rest),
        };
      }
      throw new Error('Expected -32042');
    };
    const proxied = await failureOf(httpFront);
    expect(proxied.code).toBe(-32042);
    expect(proxied.elicitations).toEqual([
      expect.objectContaining({ mode: 'url', url: 'https://modelcontextprotocol.io' }),
    ]);
    expect(proxied).toEqual(await failureOf(directFull));
  });

  it('passes progress notifications on as they come', async () => {
    const run = async (f: Front) => {
      const progress: unknown[] = [];
      const result = await f.client.callTool(
        { name: 'trigger-long-running-operation', arguments: { duration: 0.2, steps: 3 } },
        undefined,
        { onprogress: ({ progress: p, total, message }) => progress.push({ p, total, message }) },
      );
      return { result, progress };
    };
    const proxied = await run(front);
    const straight = await run(direct);
    expect(proxied.result).toEqual(straight.result);
    // An SDK client may drop the last notification when the result follows it closely (it
    // handles notifications a tick later than responses), directly or not: compare the rest.
    const expected = [1, 2, 3].map((p) => ({ p, total: 3, message: undefined }));
    expect(proxied.progress.length).toBeGreaterThanOrEqual(2);
    expect(proxied.progress).toEqual(expected.slice(0, proxied.progress.length));
    expect(straight.progress).toEqual(expected.slice(0, straight.progress.length));
  });

  it('gives an HTTP front the same results as a direct client', async () => {
    for (const [name, args] of CALLS.slice(0, 12)) {
      const proxied = await outcome(() => httpFront.client.callTool({ name, arguments: args }));
      const straight = await outcome(() => directFull.client.callTool({ name, arguments: args }));
      expect({ name, result: proxied }).toEqual({ name, result: straight });
    }
    const uri = 'demo://resource/static/document/features.md';
    expect(await httpFront.client.readResource({ uri })).toEqual(
      await directFull.client.readResource({ uri }),
    );
    expect(
      await httpFront.client.getPrompt({ name: 'args-prompt', arguments: { city: 'Rome' } }),
    ).toEqual(
      await directFull.client.getPrompt({ name: 'args-prompt', arguments: { city: 'Rome' } }),
    );
  });
});
