import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { createProxy, ProxyClient, type ProxyServer } from '@org/proxy';
import { createWorkspaceServer, startWorkspaceHttp, within } from '@org/test-utils';
import { describe, expect, it } from 'vitest';
import { closeAfterEach, deferred } from './fixtures/lifecycle';
import { recordingLogger } from './fixtures/recordingLogger';
import { type NamedFront, namedFront, workspaceCall } from './fixtures/workspaceFronts';

const closers = closeAfterEach();

async function front(...args: Parameters<typeof namedFront>): Promise<NamedFront> {
  const made = await namedFront(...args);
  closers.push(() => made.close());
  return made;
}

/** A `shared` proxy of a workspace backend served over streamable HTTP by a child process. */
async function sharedProxy(logger = recordingLogger()) {
  const backend = await startWorkspaceHttp('h');
  closers.push(() => backend.stop());
  const proxy = createProxy(backend.url, { strategy: 'shared', logger });
  closers.push(() => proxy.close());
  return { proxy, logger };
}

describe('the shared strategy', () => {
  it('announces what the proxy can route, and each front answers its own requests', async () => {
    const { proxy } = await sharedProxy();
    // The first front cannot sample; a later one can.
    // Both requests are in flight at once on the one backend session: each front's handler
    // waits until the other front's request has arrived.
    const samplerAsked = deferred();
    const plainAsked = deferred();
    // The first front cannot sample; a later one can.
    const plain = await front(
      proxy,
      'plain',
      { elicitation: { form: {} } },
      {
        elicitation: async () => {
          plainAsked.resolve();
          await samplerAsked.promise;
          return { action: 'accept', content: { name: 'plain' } };
        },
      },
    );
    const first = await workspaceCall(plain, 'whoami');
    expect(first.capabilities).toEqual({
      sampling: { tools: {} },
      elicitation: { form: {}, url: {} },
      roots: {},
    });
    const sampler = await front(
      proxy,
      'sampler',
      { sampling: {}, elicitation: { form: {} } },
      {
        sampling: async () => {
          samplerAsked.resolve();
          await plainAsked.promise;
          return {
            role: 'assistant',
            model: 'sampler-model',
            content: { type: 'text', text: 'hi' },
          };
        },
      },
    );
    const [sampled, asked] = await within(
      Promise.all([workspaceCall(sampler, 'sample'), workspaceCall(plain, 'ask')]),
      10_000,
      'overlapping sample and ask',
    );
    expect(sampled.session).toBe(first.session);
    expect(asked.session).toBe(first.session);
    expect((sampled.answer as { model: string }).model).toBe('sampler-model');
    expect(asked.answer).toEqual({ action: 'accept', content: { name: 'plain' } });
  });

  it('refuses, per request, a request whose front lacks the capability, naming both', async () => {
    const { proxy } = await sharedProxy();
    const plain = await front(proxy, 'plain', { elicitation: { form: {} } });
    const sampler = await front(proxy, 'sampler', { sampling: {} });
    const [refused, sampled] = await Promise.all([
      workspaceCall(plain, 'sample', { catch: true }),
      workspaceCall(sampler, 'sample', { catch: true }),
    ]);
    const error = refused.error as { code: number; message: string };
    expect(error.code).toBe(-32600);
    expect(error.message).toMatch(
      /^MCP error -32600: Cannot forward sampling\/createMessage from backend \S+: client "plain" does not support sampling \(it did not declare that capability\)$/,
    );
    expect((sampled.answer as { model: string }).model).toBe('sampler');
    // URL-mode elicitation to a front declaring form mode only, likewise.
    const url = await workspaceCall(plain, 'ask_url', { id: 'e1', catch: true });
    expect((url.error as { message: string }).message).toMatch(
      /client "plain" does not support elicitation\.url/,
    );
  });

  it('keeps the capabilities named by the user', async () => {
    const backend = await startWorkspaceHttp('u');
    closers.push(() => backend.stop());
    const client = new ProxyClient(backend.url, { capabilities: { roots: {} } });
    const proxy = createProxy(client, { strategy: 'shared' });
    closers.push(() => proxy.close());
    const a = await front(proxy, 'a', { sampling: {} });
    expect((await workspaceCall(a, 'whoami')).capabilities).toEqual({ roots: {} });
  });
});

describe.each([
  ['shared', 'over streamable HTTP'],
  ['per-session', 'in process'],
] as const)('notifications/elicitation/complete (%s, backend %s)', (strategy, _how) => {
  async function proxyOf(): Promise<{
    proxy: ProxyServer;
    logger: ReturnType<typeof recordingLogger>;
  }> {
    if (strategy === 'shared') return sharedProxy();
    const logger = recordingLogger();
    const target = {
      server: { connect: (t: Transport) => createWorkspaceServer({ prefix: 'e' }).connect(t) },
    };
    const proxy = createProxy(target, { logger });
    closers.push(() => proxy.close());
    return { proxy, logger };
  }

  it('reaches exactly the front the URL-mode elicitation went to, and is dropped when unknown', async () => {
    const { proxy, logger } = await proxyOf();
    const url = { elicitation: { form: {}, url: {} } };
    const a = await front(proxy, 'a', url);
    const b = await front(proxy, 'b', url);
    expect((await workspaceCall(a, 'ask_url', { id: 'elicit-a' })).answer).toEqual({
      action: 'accept',
      content: { name: 'a' },
    });
    expect((await workspaceCall(b, 'ask_url', { id: 'elicit-b' })).answer).toEqual({
      action: 'accept',
      content: { name: 'b' },
    });
    // Completed from the other front's backend session (shared: the same one) and out of any request.
    await workspaceCall(strategy === 'shared' ? a : b, 'complete_elicitation', { id: 'elicit-b' });
    await b.inbox.waitFor('notifications/elicitation/complete');
    await workspaceCall(a, 'complete_elicitation', { id: 'elicit-a' });
    await a.inbox.waitFor('notifications/elicitation/complete');
    expect(a.inbox.received.map((n) => n.params)).toEqual([{ elicitationId: 'elicit-a' }]);
    expect(b.inbox.received.map((n) => n.params)).toEqual([{ elicitationId: 'elicit-b' }]);
    // Unknown (and already completed) ids reach no one; the drop is reported.
    await workspaceCall(a, 'complete_elicitation', { id: 'elicit-a' });
    await expect
      .poll(() => logger.messages.map((m) => m.message).join('\n'))
      .toMatch(
        /Dropped an elicitation completion from backend \S+: no URL-mode elicitation elicit-a was forwarded to a client/,
      );
    expect(a.inbox.received).toHaveLength(1);
    expect(b.inbox.received).toHaveLength(1);
  });
});
