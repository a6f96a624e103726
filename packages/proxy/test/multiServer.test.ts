import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import {
  createProxy,
  definePrompt,
  defineTool,
  type HttpServerHandle,
  ProviderServer,
  type ProxyServer,
  serveHttp,
  TOOL_NAME_PATTERN,
} from '@org/proxy';
import { childPids, waitFor } from '@org/test-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CountingBackend } from './fixtures/countingBackend';
import { demoBackend, USERS } from './fixtures/demoBackend';
import { everythingTarget } from './fixtures/everything';
import { type Front, frontInMemory, Inbox, textOf } from './fixtures/fronts';
import { recordingLogger } from './fixtures/recordingLogger';

const LONG_TOOL = `${'very_long_tool_name_'.repeat(4)}end`;

function oddBackend(): ProviderServer {
  const server = new ProviderServer({ name: 'odd' });
  server.add(
    defineTool({ name: LONG_TOOL, handler: () => 'long' }),
    defineTool({ name: `${LONG_TOOL}_twin`, handler: () => 'twin' }),
    defineTool({ name: 'dotted.name', handler: () => 'dotted' }),
  );
  return server;
}

function askingBackend(): ProviderServer {
  const server = demoBackend('asking');
  server.add(
    defineTool({
      name: 'log42',
      handler: async (_args, context) => {
        await context?.log('info', { msg: 'test 42' });
        return 'logged';
      },
    }),
    defineTool({
      name: 'ask',
      handler: async (_args, context) => {
        const answer = await context!.elicit({
          message: 'A number?',
          requestedSchema: {
            type: 'object',
            properties: { n: { type: 'number' } },
            required: ['n'],
          },
        });
        return answer.action === 'accept' ? `got ${answer.content?.n}` : answer.action;
      },
    }),
  );
  return server;
}

const FAILING = { command: process.execPath, args: ['-e', 'process.exit(3)'], stderr: 'ignore' };

let one: CountingBackend;
let two: CountingBackend;
const handles: HttpServerHandle[] = [];
let proxy: ProxyServer | undefined;
const fronts: Front[] = [];

async function httpBackend(server: ProviderServer | CountingBackend): Promise<string> {
  const handle = await serveHttp(server, { port: 0 });
  handles.push(handle);
  return handle.url;
}

async function frontOf(made: ProxyServer): Promise<Front> {
  proxy = made;
  const front = await frontInMemory(made);
  fronts.push(front);
  return front;
}

beforeAll(async () => {
  one = new CountingBackend(demoBackend('one'));
  two = new CountingBackend(demoBackend('two'));
});

afterEach(async () => {
  await Promise.all(fronts.splice(0).map((front) => front.close()));
  await proxy?.close();
  proxy = undefined;
});

afterAll(async () => {
  await Promise.all(handles.map((handle) => handle.close()));
});

describe('a proxy of several servers', () => {
  it('namespaces every kind by server and calls each backend by its real names', async () => {
    const config = {
      mcpServers: { one: { url: await httpBackend(one) }, two: { url: await httpBackend(two) } },
    };
    const front = await frontOf(createProxy(config));
    const tools = (await front.client.listTools()).tools.map((tool) => tool.name);
    expect(tools).toEqual(expect.arrayContaining(['one_greet', 'two_greet', 'one_add', 'two_add']));
    expect(tools.every((name) => name.startsWith('one_') || name.startsWith('two_'))).toBe(true);
    const sums = await Promise.all(
      ['one_add', 'two_add'].map((name) =>
        front.client.callTool({ name, arguments: { a: 1, b: 2 } }),
      ),
    );
    expect(sums.map((sum) => sum.structuredContent)).toEqual([{ sum: 3 }, { sum: 3 }]);
    const uris = (await front.client.listResources()).resources.map((r) => r.uri);
    expect(uris).toEqual(expect.arrayContaining(['resource://one/wave', 'data://two/users']));
    const templates = (await front.client.listResourceTemplates()).resourceTemplates;
    expect(templates.map((t) => t.uriTemplate)).toContain('data://two/user/{user_id}');
    const user = await front.client.readResource({ uri: 'data://two/user/3' });
    expect(JSON.parse(textOf(user.contents[0]))).toEqual(USERS[2]);
    const prompt = await front.client.getPrompt({ name: 'one_welcome', arguments: { name: 'Z' } });
    expect(prompt.messages[0]?.content).toEqual({ type: 'text', text: 'Welcome to the proxy, Z!' });
    const sent = (backend: CountingBackend, method: string) =>
      backend.requests
        .filter((r) => r.method === method)
        .map((r) => r.params?.name ?? r.params?.uri);
    expect(sent(one, 'tools/call')).toContain('add');
    expect(sent(two, 'resources/read')).toContain('data://user/3');
    expect(sent(one, 'prompts/get')).toContain('welcome');
  });

  it('keeps names within ^[a-zA-Z0-9_-]{1,64}$, shortening long ones deterministically', async () => {
    const odd = await httpBackend(oddBackend());
    const config = { mcpServers: { 'my.server': { url: odd }, ['s'.repeat(70)]: { url: odd } } };
    const names = async () => {
      const front = await frontOf(createProxy(config));
      const listed = (await front.client.listTools()).tools.map((tool) => tool.name);
      await front.close();
      fronts.pop();
      await proxy?.close();
      return listed;
    };
    const first = await names();
    expect(first).toHaveLength(6);
    for (const name of first) expect(name).toMatch(TOOL_NAME_PATTERN);
    // A name that had to be cleaned ends with a hash, so that names cleaned alike stay apart.
    expect(first.some((name) => /^my_server_dotted_name_[0-9a-f]{8}$/.test(name))).toBe(true);
    expect(new Set(first).size).toBe(6);
    expect(await names()).toEqual(first);
    // Listed in backend order, server by server: long, twin, dotted.
    expect(first[2]).toMatch(/^my_server_dotted_name_[0-9a-f]{8}$/);
    expect(first[0]).toHaveLength(64);
    expect(first.slice(3).every((name) => name.startsWith('s'.repeat(55)))).toBe(true);
    // Every name is callable, shortened ones included, even by a front that never listed.
    const front = await frontOf(createProxy(config));
    const texts = [];
    for (const name of first) {
      const result = await front.client.callTool({ name, arguments: {} });
      texts.push((result.content as Array<{ text: string }>)[0]?.text);
    }
    expect(texts).toEqual(['long', 'twin', 'dotted', 'long', 'twin', 'dotted']);
  });

  it('reports a collision as an error naming both servers', async () => {
    const url = await httpBackend(demoBackend('same'));
    const config = { mcpServers: { 'a.b': { url }, a_b: { url } } };
    const front = await frontOf(createProxy(config));
    const failure = front.client.listTools();
    await expect(failure).rejects.toThrow(/a_b_greet/);
    await expect(failure).rejects.toThrow(/a\.b \(greet\) and a_b \(greet\)/);
    await expect(front.client.listResources()).rejects.toThrow(/resource:\/\/a_b\/wave.*a\.b.*a_b/);
  });

  it('refuses a call, read, render or subscription of a name two servers expose, naming both', async () => {
    const url = await httpBackend(demoBackend('same'));
    const config = { mcpServers: { 'a.b': { url }, a_b: { url } } };
    // Without listing first: the lookup itself finds both.
    const front = await frontOf(createProxy(config));
    const called = await front.client.callTool({ name: 'a_b_greet', arguments: { name: 'x' } });
    expect(called.isError).toBe(true);
    expect(called.content).toEqual([
      { type: 'text', text: 'Two servers expose tool a_b_greet: a.b (greet) and a_b (greet)' },
    ]);
    await expect(front.client.readResource({ uri: 'resource://a_b/wave' })).rejects.toThrow(
      'Two servers expose resource resource://a_b/wave: a.b (resource://wave) and a_b (resource://wave)',
    );
    await expect(front.client.readResource({ uri: 'data://a_b/user/1' })).rejects.toThrow(
      'Two servers expose a resource template matching data://a_b/user/1: a.b (data://user/{user_id}) and a_b (data://user/{user_id})',
    );
    await expect(
      front.client.getPrompt({ name: 'a_b_welcome', arguments: { name: 'x' } }),
    ).rejects.toThrow('Two servers expose prompt a_b_welcome: a.b (welcome) and a_b (welcome)');
    await expect(front.client.subscribeResource({ uri: 'resource://a_b/wave' })).rejects.toThrow(
      'Two servers expose resource resource://a_b/wave',
    );
  });

  it('refuses a composed name that two servers reach with different inner names', async () => {
    // Server `a` with tool `b_greet` and server `a_b` with tool `greet` both give `a_b_greet`.
    const a = new ProviderServer({ name: 'a' });
    a.add(
      defineTool({ name: 'b_greet', handler: () => 'from a' }),
      definePrompt({ name: 'b_welcome', render: () => 'from a' }),
      defineTool({ name: 'only_a', handler: () => 'only a' }),
    );
    const ab = new ProviderServer({ name: 'a_b' });
    ab.add(
      defineTool({ name: 'greet', handler: () => 'from a_b' }),
      definePrompt({ name: 'welcome', render: () => 'from a_b' }),
    );
    const config = {
      mcpServers: { a: { url: await httpBackend(a) }, a_b: { url: await httpBackend(ab) } },
    };
    const front = await frontOf(createProxy(config));
    const called = await front.client.callTool({ name: 'a_b_greet', arguments: {} });
    expect(called).toMatchObject({
      isError: true,
      content: [
        { type: 'text', text: 'Two servers expose tool a_b_greet: a (b_greet) and a_b (greet)' },
      ],
    });
    await expect(front.client.getPrompt({ name: 'a_b_welcome' })).rejects.toThrow(
      'Two servers expose prompt a_b_welcome: a (b_welcome) and a_b (welcome)',
    );
    // Names only one server reaches still work.
    const only = await front.client.callTool({ name: 'a_only_a', arguments: {} });
    expect(only.content).toEqual([{ type: 'text', text: 'only a' }]);
  });

  it.each([
    ['first', true],
    ['last', false],
  ])('skips a server that fails (listed %s) with a warning naming it', async (_where, badFirst) => {
    const logger = recordingLogger();
    const good = { url: await httpBackend(demoBackend('good')) };
    const mcpServers = badFirst
      ? { bad_server: FAILING, good_server: good }
      : { good_server: good, bad_server: FAILING };
    const front = await frontOf(createProxy({ mcpServers }, { logger }));
    const tools = (await front.client.listTools()).tools.map((tool) => tool.name);
    expect(tools.length).toBeGreaterThan(0);
    expect(tools.every((name) => name.startsWith('good_server_'))).toBe(true);
    const added = await front.client.callTool({
      name: 'good_server_add',
      arguments: { a: 2, b: 2 },
    });
    expect(added.structuredContent).toEqual({ sum: 4 });
    await front.client.listTools();
    await front.client.listPrompts();
    // One warning names the bad server, however many operations skipped it.
    expect(logger.at('warn').filter((message) => message.includes('bad_server'))).toEqual([
      expect.stringMatching(/^Skipping MCP server bad_server: cannot start: /),
    ]);
    expect(logger.at('warn').some((message) => message.includes('good_server'))).toBe(false);
  });

  it('fails with an error naming every server when all fail', async () => {
    const config = { mcpServers: { first_bad: FAILING, second_bad: FAILING } };
    const made = createProxy(config);
    proxy = made;
    const failed = frontInMemory(made);
    await expect(failed).rejects.toThrow(/All MCP servers failed.*first_bad.*second_bad/);
  });

  it('serves 40 concurrent lists without error, each complete', async () => {
    const config = {
      mcpServers: { one: { url: await httpBackend(one) }, two: { url: await httpBackend(two) } },
    };
    const front = await frontOf(createProxy(config));
    const expected = (await front.client.listTools()).tools.length;
    const lists = await Promise.all(Array.from({ length: 40 }, () => front.client.listTools()));
    expect(lists.every((list) => list.tools.length === expected)).toBe(true);
  });

  it('keeps one backend session per front session for each server', async () => {
    const config = {
      mcpServers: { one: { url: await httpBackend(one) }, two: { url: await httpBackend(two) } },
    };
    const front = await frontOf(createProxy(config));
    const id = async () =>
      (await front.client.callTool({ name: 'one_session_id', arguments: {} })).content;
    expect(await id()).toEqual(await id());
  });

  it('does not prefix the only server of a config, unless asked to', async () => {
    const config = { mcpServers: { solo: { url: await httpBackend(one) } } };
    const plain = await frontOf(createProxy(config));
    expect((await plain.client.listTools()).tools.map((t) => t.name)).toContain('greet');
    const prefixed = await frontOf(createProxy(config, { namespaceSingleServer: true }));
    expect((await prefixed.client.listTools()).tools.map((t) => t.name)).toContain('solo_greet');
  });

  it('applies tool overrides and tag filters of a config entry before the namespace', async () => {
    const url = await httpBackend(one);
    const config = {
      mcpServers: {
        renamed: { url, tools: { greet: { name: 'hello', description: 'Says hello' } } },
        tagged: { url, include_tags: ['greet'] },
      },
    };
    const front = await frontOf(createProxy(config));
    const tools = (await front.client.listTools()).tools;
    expect(tools.filter((t) => t.name.startsWith('tagged_')).map((t) => t.name)).toEqual([
      'tagged_greet',
    ]);
    const hello = tools.find((t) => t.name === 'renamed_hello');
    expect(hello?.description).toBe('Says hello');
    const result = await front.client.callTool({ name: 'renamed_hello', arguments: { name: 'R' } });
    expect(result.content).toEqual([{ type: 'text', text: 'Hello, R!' }]);
  });

  it('leaves no child process behind once closed', async () => {
    const config = {
      mcpServers: { everything: everythingTarget(), one: { url: await httpBackend(one) } },
    };
    const front = await frontOf(createProxy(config));
    const result = await front.client.callTool({
      name: 'everything_echo',
      arguments: { message: 'm' },
    });
    expect(JSON.stringify(result.content)).toContain('m');
    expect(childPids().length).toBeGreaterThan(0);
    await front.close();
    fronts.pop();
    await proxy?.close();
    proxy = undefined;
    await waitFor(() => childPids().length === 0, { what: 'the stdio backend to exit' });
  });
});

describe('forwarding through a proxy of several servers', () => {
  it('brings a backend log message to the front once, and a front elicitation answer to the backend', async () => {
    const config = {
      mcpServers: {
        asking: { url: await httpBackend(askingBackend()) },
        one: { url: await httpBackend(one) },
      },
    };
    proxy = createProxy(config);
    const front = await frontInMemory(proxy, { capabilities: { elicitation: {} } });
    fronts.push(front);
    front.client.setRequestHandler(ElicitRequestSchema, async (request) => {
      expect(request.params.message).toBe('A number?');
      return { action: 'accept', content: { n: 42 } };
    });
    const inbox = new Inbox(front.client, ['notifications/message']);
    await front.client.callTool({ name: 'asking_log42', arguments: {} });
    await inbox.waitFor('notifications/message');
    await front.client.ping();
    expect(inbox.received.map((n) => n.params?.data)).toEqual([{ msg: 'test 42' }]);
    const asked = await front.client.callTool({ name: 'asking_ask', arguments: {} });
    expect(asked.content).toEqual([{ type: 'text', text: 'got 42' }]);
  });
});
