import { AggregateProvider, defineTool, LocalProvider, ProviderServer } from '@org/core';
import { describe, expect, it } from 'vitest';
import { connectInMemory } from './helpers';

/** A provider with one tool that records its starts and stops in `log`, failing as asked. */
function recorded(
  name: string,
  log: string[],
  fail: { start?: string; stop?: string } = {},
): LocalProvider {
  const provider = new LocalProvider(name).add(
    defineTool({ name: `${name}_tool`, handler: () => name }),
  );
  return Object.assign(provider, {
    start: async () => {
      log.push(`start ${name}`);
      if (fail.start) throw new Error(fail.start);
    },
    stop: async () => {
      log.push(`stop ${name}`);
      if (fail.stop) throw new Error(fail.stop);
    },
  });
}

function aggregateOf(...providers: LocalProvider[]): AggregateProvider {
  const aggregate = new AggregateProvider({ name: 'agg' });
  for (const provider of providers) aggregate.add(provider);
  return aggregate;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('Expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('AggregateProvider lifecycle', () => {
  it('starts its providers in order and stops them in reverse order', async () => {
    const log: string[] = [];
    const aggregate = aggregateOf(
      recorded('a', log),
      new LocalProvider('without-lifecycle'),
      recorded('b', log),
      recorded('c', log),
    );
    await aggregate.start();
    await aggregate.stop();
    expect(log).toEqual(['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  });

  it('stops every provider even when some fail, then throws an AggregateError of the failures', async () => {
    const log: string[] = [];
    const aggregate = aggregateOf(
      recorded('a', log, { stop: 'a broke' }),
      recorded('b', log),
      recorded('c', log, { stop: 'c broke' }),
    );
    const error = await rejection(aggregate.stop());
    expect(log).toEqual(['stop c', 'stop b', 'stop a']);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).message).toBe('Some providers failed to stop');
    expect((error as AggregateError).errors.map((e: Error) => e.message)).toEqual([
      'c broke',
      'a broke',
    ]);
  });

  it('rejects with the first failure to start, leaving the providers after it unstarted', async () => {
    const log: string[] = [];
    const aggregate = aggregateOf(
      recorded('a', log),
      recorded('b', log, { start: 'b cannot start' }),
      recorded('c', log),
    );
    await expect(aggregate.start()).rejects.toThrow('b cannot start');
    expect(log).toEqual(['start a', 'start b']);
    // stop() releases whatever did start.
    await aggregate.stop();
    expect(log.slice(2)).toEqual(['stop c', 'stop b', 'stop a']);
  });
});

describe('ProviderServer lifecycle', () => {
  it('starts its providers in order, transformed ones included', async () => {
    const log: string[] = [];
    const server = new ProviderServer();
    server.addProvider(recorded('first', log), { namespace: 'one' });
    server.addProvider(recorded('second', log));
    await server.start();
    expect(log).toEqual(['start first', 'start second']);
    await server.close();
  });

  it('closes every session, then stops its providers in reverse order', async () => {
    const log: string[] = [];
    const server = new ProviderServer();
    const spy = (name: string) =>
      Object.assign(recorded(name, log), {
        stop: async () => {
          log.push(`stop ${name} with ${server.sessions.length} sessions open`);
        },
      });
    server.addProvider(spy('first'));
    server.addProvider(spy('second'), { namespace: 'two' });
    const clients = [await connectInMemory(server), await connectInMemory(server)];
    const closed = clients.map(
      (c) =>
        new Promise<void>((resolve) => {
          c.client.onclose = resolve;
        }),
    );
    expect(server.sessions).toHaveLength(2);
    await server.close();
    await Promise.all(closed);
    expect(server.sessions).toHaveLength(0);
    expect(log).toEqual(['stop second with 0 sessions open', 'stop first with 0 sessions open']);
  });

  it('rejects close() with an AggregateError when a provider fails to stop, stopping the others', async () => {
    const log: string[] = [];
    const server = new ProviderServer();
    server.addProvider(recorded('a', log));
    server.addProvider(recorded('b', log, { stop: 'b is stuck' }));
    await using c = await connectInMemory(server);
    const error = await rejection(server.close());
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors.map((e: Error) => e.message)).toEqual(['b is stuck']);
    expect(log).toEqual(['stop b', 'stop a']);
    expect(server.sessions).toHaveLength(0);
    await expect(c.client.ping()).rejects.toThrow();
  });
});

describe('a mounted server’s lifecycle', () => {
  it('stays with its owner: the parent neither starts nor stops it, and it keeps serving', async () => {
    const log: string[] = [];
    const child = new ProviderServer({ name: 'child' });
    child.addProvider(recorded('childs', log));
    const parent = new ProviderServer({ name: 'parent' });
    parent.addProvider(recorded('parents', log));
    parent.mount(child, { namespace: 'kid' });

    await child.start();
    await parent.start();
    await using own = await connectInMemory(child, {}, 'child-client');
    await using front = await connectInMemory(parent, {}, 'parent-client');
    expect((await front.client.listTools()).tools.map((t) => t.name)).toEqual([
      'parents_tool',
      'kid_childs_tool',
    ]);

    await parent.close();
    expect(log).toEqual(['start childs', 'start parents', 'stop parents']);
    // The child still serves its own client.
    const result = await own.client.callTool({ name: 'childs_tool', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: 'childs' }]);

    await child.close();
    expect(log.at(-1)).toBe('stop childs');
  });

  it('refuses to mount itself', () => {
    const server = new ProviderServer();
    expect(() => server.mount(server)).toThrow('A server cannot mount itself');
  });
});
