import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { currentContext, defineTool, ProviderServer } from '@org/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connectFront, deferred, type TestClient } from './helpers';

const SESSIONS = 5;
const PER_SESSION = 10;
const TOTAL = SESSIONS * PER_SESSION;

/** Resolves once `count` callers arrived, or rejects after `timeoutMs` saying how many did. */
function barrier(count: number, timeoutMs = 5000) {
  const all = deferred();
  let arrived = 0;
  return async () => {
    arrived += 1;
    if (arrived === count) all.resolve();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Only ${arrived} of ${count} requests were in flight together`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([all.promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}

function probeServer() {
  const together = barrier(TOTAL);
  return new ProviderServer({ name: 'concurrent' }).add(
    defineTool({
      name: 'probe',
      input: z.object({ tag: z.string() }),
      handler: async ({ tag }, context) => {
        const ctx = context!;
        await together();
        const sampled = await ctx.sample({
          messages: [{ role: 'user', content: { type: 'text', text: tag } }],
          maxTokens: 5,
        });
        const elicited = await ctx.elicit({
          mode: 'form',
          message: tag,
          requestedSchema: { type: 'object', properties: { who: { type: 'string' } } },
        });
        return {
          tag,
          stillCurrent: currentContext() === ctx,
          metaTag: ctx.meta?.tag,
          client: ctx.session.clientInfo?.name,
          session: ctx.session.id,
          sampled: (sampled.content as { text: string }).text,
          elicited: elicited.content?.who,
        };
      },
    }),
  );
}

function answerAs(c: TestClient, name: string): void {
  c.client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
    await new Promise((resolve) => setImmediate(resolve));
    const text = (request.params.messages[0]!.content as { text: string }).text;
    return { role: 'assistant', model: name, content: { type: 'text', text: `${name}:${text}` } };
  });
  c.client.setRequestHandler(ElicitRequestSchema, () => ({
    action: 'accept',
    content: { who: name },
  }));
}

describe('concurrent requests', () => {
  it('give each handler its own context, and its sampling and elicitation reach its own client', async () => {
    const server = probeServer();
    const clients: TestClient[] = [];
    try {
      for (let i = 0; i < SESSIONS; i++) {
        const c = await connectFront(server, `client-${i}`);
        answerAs(c, `client-${i}`);
        clients.push(c);
      }
      const sessionIdOf = new Map(server.sessions.map((s) => [s.clientInfo?.name, s.id]));
      expect(sessionIdOf.size).toBe(SESSIONS);

      const calls = clients.flatMap((c, i) =>
        Array.from({ length: PER_SESSION }, (_, j) => {
          const tag = `s${i}-r${j}`;
          return c.client
            .callTool({ name: 'probe', arguments: { tag }, _meta: { tag } })
            .then((result) => ({ i, tag, result }));
        }),
      );
      const results = await Promise.all(calls);
      expect(results).toHaveLength(TOTAL);
      for (const { i, tag, result } of results) {
        expect(result.isError).toBeFalsy();
        expect(result.structuredContent).toEqual({
          tag,
          stillCurrent: true,
          metaTag: tag,
          client: `client-${i}`,
          session: sessionIdOf.get(`client-${i}`),
          sampled: `client-${i}:${tag}`,
          elicited: `client-${i}`,
        });
      }
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });
});
