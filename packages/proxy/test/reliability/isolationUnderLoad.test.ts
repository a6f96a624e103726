import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import {
  createProxy,
  defineTool,
  ProviderServer,
  type SessionStrategy,
  serveHttp,
} from '@org/proxy';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Front, frontHttp } from '../fixtures/fronts';
import { Cleanup } from './fixtures/harness';

// Promise: under load, every request and notification a backend sends reaches the client
// session (and the request) it belongs to, never another. 10 concurrent client sessions over
// streamable HTTP each run a tool 50 times (2 at a time) that asks for roots, sampling and
// elicitation and reports progress, through a proxy of an HTTP backend. (The `shared` strategy
// does not isolate clients, by design: see docs/session-strategies.md.)

const FRONTS = 10;
const CALLS = 50;
const PARALLEL = 2;

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** A backend tool that asks the client for everything it can, tagging what it sends. */
function askingBackend(): ProviderServer {
  const server = new ProviderServer({ name: 'asking' });
  server.add(
    defineTool({
      name: 'ask',
      input: z.object({ tag: z.string() }),
      handler: async ({ tag }, context) => {
        if (!context) throw new Error('No context');
        const { roots } = await context.listRoots();
        await context.reportProgress(1, 3, `${tag} roots`);
        const sampled = await context.sample({
          messages: [{ role: 'user', content: { type: 'text', text: tag } }],
          maxTokens: 10,
        });
        await context.reportProgress(2, 3, `${tag} sampled`);
        const elicited = await context.elicit({
          message: tag,
          requestedSchema: { type: 'object', properties: { who: { type: 'string' } } },
        });
        await context.reportProgress(3, 3, `${tag} elicited`);
        return {
          tag,
          root: roots[0]?.uri ?? '',
          sampled: sampled.content.type === 'text' ? sampled.content.text : '',
          elicited: String(elicited.content?.who ?? ''),
        };
      },
    }),
  );
  return server;
}

/** What reached one front. */
interface Seen {
  roots: number;
  sampled: string[];
  elicited: string[];
}

/** Makes a client answer as front `name`, recording what it is asked. */
function answerAs(name: string, seen: Seen) {
  return (client: Client) => {
    client.setRequestHandler(ListRootsRequestSchema, async () => {
      seen.roots += 1;
      return { roots: [{ uri: `file:///${name}`, name }] };
    });
    client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      const content = request.params.messages[0]?.content;
      const text = content && 'text' in content ? String(content.text) : '';
      seen.sampled.push(text);
      return {
        role: 'assistant',
        model: `model-of-${name}`,
        content: { type: 'text', text: `${name} saw ${text}` },
      };
    });
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      seen.elicited.push(request.params.message);
      return { action: 'accept', content: { who: `${name} saw ${request.params.message}` } };
    });
  };
}

/** Front `name` calls `ask` {@link CALLS} times, {@link PARALLEL} at a time; returns its progress. */
async function askMany(front: Front, name: string): Promise<string[]> {
  const progress: string[] = [];
  for (let batch = 0; batch < CALLS / PARALLEL; batch++) {
    await Promise.all(
      Array.from({ length: PARALLEL }, async (_unused, j) => {
        const tag = `${name}/${batch * PARALLEL + j}`;
        const result = await front.client.callTool({ name: 'ask', arguments: { tag } }, undefined, {
          onprogress: (p) => progress.push(`${tag}|${p.message}`),
        });
        // Each call got its own front's answers, to its own requests.
        expect(result.structuredContent).toEqual({
          tag,
          root: `file:///${name}`,
          sampled: `${name} saw ${tag}`,
          elicited: `${name} saw ${tag}`,
        });
      }),
    );
  }
  return progress;
}

describe('isolation under load', () => {
  it.each<SessionStrategy>(['per-session', 'per-request'])(
    `%s: ${FRONTS} concurrent sessions × ${CALLS} calls, every forwarded request and notification reaches its own front`,
    async (strategy) => {
      const backend = cleanup.add(askingBackend(), (s) => s.close());
      const backendHttp = cleanup.add(await serveHttp(backend), (h) => h.close());
      const proxy = cleanup.add(createProxy(backendHttp.url, { strategy }), (p) => p.close());
      const http = cleanup.add(await serveHttp(proxy), (h) => h.close());
      const names = Array.from({ length: FRONTS }, (_unused, i) => `front-${i}`);
      const seen = new Map<string, Seen>(
        names.map((name) => [name, { roots: 0, sampled: [], elicited: [] }]),
      );
      const fronts = await Promise.all(
        names.map(async (name) =>
          cleanup.add(
            await frontHttp(
              http.url,
              { capabilities: { roots: {}, sampling: {}, elicitation: { form: {} } } },
              name,
              answerAs(name, seen.get(name)!),
            ),
            (f) => f.close(),
          ),
        ),
      );

      const progress = await Promise.all(fronts.map((front, i) => askMany(front, names[i]!)));

      for (const [i, name] of names.entries()) {
        const own = (text: string) => text.startsWith(`${name}/`);
        const mine = seen.get(name)!;
        // Exactly its own requests, each once: none lost, none from another front.
        expect(mine.roots).toBe(CALLS);
        expect(mine.sampled).toHaveLength(CALLS);
        expect(mine.elicited).toHaveLength(CALLS);
        expect(mine.sampled.every(own)).toBe(true);
        expect(mine.elicited.every(own)).toBe(true);
        expect(new Set(mine.sampled).size).toBe(CALLS);
        // Every progress notification went to the call it was about.
        expect(progress[i]).toHaveLength(CALLS * 3);
        for (const line of progress[i]!) {
          const [tag, message] = line.split('|');
          expect(own(tag!)).toBe(true);
          expect(message!.startsWith(`${tag} `)).toBe(true);
        }
      }
    },
    60_000,
  );
});
