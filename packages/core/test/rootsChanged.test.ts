import { ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import {
  AggregateProvider,
  currentContext,
  type FrontSession,
  LocalProvider,
  MAX_TIMER_MS,
  missingClientCapability,
  type Provider,
  ProviderServer,
} from '@org/core';
import { describe, expect, it } from 'vitest';
import { connectInMemory, deferred, recordingLogger } from './helpers';

const ROOTS = { capabilities: { roots: { listChanged: true } } };

/** A provider recording, for each roots change, the session and method of the current context. */
function rootsRecorder(name: string) {
  const seen: Array<{ session: FrontSession; method: string }> = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const provider: Provider = Object.assign(new LocalProvider(), {
    name,
    rootsChanged: async () => {
      const context = currentContext();
      if (!context) throw new Error('no context');
      seen.push({ session: context.session, method: context.method });
      for (const w of waiters.filter((w) => seen.length >= w.count)) w.resolve();
    },
  });
  const reached = (count: number) => {
    if (seen.length >= count) return Promise.resolve();
    const waiter = deferred();
    waiters.push({ count, resolve: waiter.resolve });
    return waiter.promise;
  };
  return { provider, seen, reached };
}

describe('a client’s notifications/roots/list_changed', () => {
  it('reaches every provider, through transforms and mounts, in the context of the session that sent it', async () => {
    const direct = rootsRecorder('direct');
    const namespaced = rootsRecorder('namespaced');
    const mountedOne = rootsRecorder('mounted');
    const inner = new ProviderServer({ name: 'inner' });
    inner.addProvider(mountedOne.provider);
    const server = new ProviderServer({ name: 'outer' });
    server.addProvider(direct.provider);
    server.addProvider(namespaced.provider, { namespace: 'ns' });
    server.mount(inner, { namespace: 'in' });
    await using a = await connectInMemory(server, ROOTS, 'a');
    await using b = await connectInMemory(server, ROOTS, 'b');
    const [sessionA, sessionB] = server.sessions;
    await b.client.sendRootsListChanged();
    await a.client.sendRootsListChanged();
    await Promise.all([direct.reached(2), namespaced.reached(2), mountedOne.reached(2)]);
    for (const recorder of [direct, namespaced, mountedOne]) {
      expect(recorder.seen.map((s) => s.session)).toEqual([sessionB, sessionA]);
      expect(recorder.seen.map((s) => s.method)).toEqual([
        'notifications/roots/list_changed',
        'notifications/roots/list_changed',
      ]);
    }
  });

  it('is logged, not sent to the client, when a provider fails; the context sends unrelated requests', async () => {
    const logger = recordingLogger();
    const server = new ProviderServer({ name: 's', logger, onProviderError: 'raise' });
    const asked = deferred<unknown>();
    const failing: Provider = Object.assign(new LocalProvider(), {
      name: 'failing',
      rootsChanged: async () => {
        // A context of the session, related to no request: it can ask the client for its roots.
        asked.resolve(await currentContext()!.listRoots());
        throw new Error('backend down');
      },
    });
    server.addProvider(failing);
    await using a = await connectInMemory(server, ROOTS, 'a');
    a.client.setRequestHandler(ListRootsRequestSchema, () => ({ roots: [{ uri: 'file:///a' }] }));
    await a.client.sendRootsListChanged();
    expect(await asked.promise).toEqual({ roots: [{ uri: 'file:///a' }] });
    await expect
      .poll(() => logger.lines.join('\n'))
      .toMatch(/Passing on the roots change of session \S+ failed: backend down/);
    await a.client.ping();
  });

  it('AggregateProvider.rootsChanged skips providers without the hook', async () => {
    const one = rootsRecorder('one');
    const aggregate = new AggregateProvider();
    aggregate.add(new LocalProvider());
    aggregate.add(one.provider);
    const server = new ProviderServer();
    server.addProvider(aggregate);
    await using a = await connectInMemory(server, ROOTS, 'a');
    await a.client.sendRootsListChanged();
    await one.reached(1);
    expect(one.seen).toHaveLength(1);
  });
});

describe('missingClientCapability and MAX_TIMER_MS', () => {
  it('names the dotted capability a server-to-client request needs', () => {
    const url = {
      method: 'elicitation/create' as const,
      params: { mode: 'url' as const, message: 'm', url: 'https://x/', elicitationId: 'e' },
    };
    expect(missingClientCapability(url, { elicitation: { form: {} } })).toBe('elicitation.url');
    expect(missingClientCapability(url, { elicitation: { url: {} } })).toBeUndefined();
    expect(missingClientCapability({ method: 'roots/list' }, {})).toBe('roots');
    expect(MAX_TIMER_MS).toBe(2 ** 31 - 1);
  });
});
