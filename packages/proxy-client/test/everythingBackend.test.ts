import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { ProxyClient, StatefulProxyClient } from '@org/proxy-client';
import { everythingStdioCommand, isPidAlive, waitFor } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { connectFront, type Front, type FrontOptions } from './fixtures/front';
import { failureText, relayCall, structured } from './fixtures/harness';
import { createRelay, type RelayFactory } from './fixtures/relayServer';

/** server-everything as a stdio child, named so failures can be recognised. */
const EVERYTHING = { ...everythingStdioCommand(), name: 'everything', stderr: 'ignore' as const };

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const release of cleanup.splice(0).reverse()) await release();
});

async function frontOver(factory: RelayFactory, options: FrontOptions = {}): Promise<Front> {
  const relay = createRelay(factory);
  cleanup.push(() => relay.close());
  const front = await connectFront(relay, options);
  cleanup.push(() => front.close());
  return front;
}

/** A shared ProxyClient to a fresh server-everything child, and a front over a relay. */
async function everything(options: FrontOptions = {}) {
  const client = new ProxyClient(EVERYTHING);
  cleanup.push(() => client.dispose());
  const front = await frontOver(() => client, options);
  return { client, front };
}

async function toolNames(front: Front): Promise<string[]> {
  const result = await front.client.callTool({ name: 'backend_tools', arguments: {} });
  return structured(result as CallToolResult).names as string[];
}

async function pidOf(front: Front): Promise<number> {
  const result = await front.client.callTool({ name: 'backend_pid', arguments: {} });
  return structured(result as CallToolResult).pid as number;
}

function allText(result: CallToolResult): string {
  return result.content.map((block) => (block.type === 'text' ? block.text : '')).join('\n');
}

/** The tool among `names` whose name contains `fragment` (fails if none does). */
function toolLike(names: string[], fragment: string): string {
  const name = names.find((n) => n.includes(fragment));
  if (!name) throw new Error(`No tool like ${fragment} in: ${names.join(', ')}`);
  return name;
}

describe('server-everything as a stdio backend', () => {
  it('offers its client-capability tools only when the front has those capabilities', async () => {
    const bare = await everything({ capabilities: {} });
    const bareNames = await toolNames(bare.front);
    expect(bareNames).toContain('echo');
    expect(bareNames.some((n) => n.includes('sampling'))).toBe(false);
    expect(bareNames.some((n) => n.includes('elicitation'))).toBe(false);
    expect(bareNames.some((n) => n.includes('roots'))).toBe(false);

    const full = await everything();
    const names = await toolNames(full.front);
    expect(names).toEqual(expect.arrayContaining(['echo']));
    toolLike(names, 'sampling');
    toolLike(names, 'elicitation');
    toolLike(names, 'roots');
  });

  it('forwards sampling, and returns the front’s model and stop reason', async () => {
    const { front } = await everything({
      sampling: () => ({
        role: 'assistant',
        model: 'front-model-9',
        stopReason: 'maxTokens',
        content: { type: 'text', text: 'sampled by the front' },
      }),
    });
    const tool = 'trigger-sampling-request';
    expect(await toolNames(front)).toContain(tool);
    const result = await relayCall(front, tool, { prompt: 'Tell me a joke', maxTokens: 77 });
    expect(front.sampled).toHaveLength(1);
    const got = front.sampled[0]!;
    // What server-everything's tool sends, field by field.
    expect(got.messages).toEqual([
      {
        role: 'user',
        content: {
          type: 'text',
          text: 'Resource trigger-sampling-request context: Tell me a joke',
        },
      },
    ]);
    expect(got.maxTokens).toBe(77);
    expect(got.systemPrompt).toBe('You are a helpful test server.');
    expect(got.temperature).toBe(0.7);
    const text = allText(result);
    expect(text).toContain('front-model-9');
    expect(text).toContain('maxTokens');
    expect(text).toContain('sampled by the front');
  });

  it('forwards form elicitation with its full schema, and returns the front’s content', async () => {
    const { front } = await everything({
      elicitation: () => ({ action: 'accept', content: { name: 'Alice', check: true } }),
    });
    const names = await toolNames(front);
    const tool =
      names.find((n) => n === 'trigger-elicitation-request') ?? toolLike(names, 'elicitation');
    const result = await relayCall(front, tool);
    const got = front.elicited[0]!;
    expect(got.mode ?? 'form').toBe('form');
    const schema = 'requestedSchema' in got ? got.requestedSchema : undefined;
    expect(schema?.properties.name).toMatchObject({ type: 'string' });
    // Defaults of the backend's schema reach the front untouched.
    expect(Object.values(schema?.properties ?? {}).some((p) => 'default' in p)).toBe(true);
    expect(allText(result)).toContain('Alice');
  });

  it('forwards URL-mode elicitation with its url and elicitation id', async () => {
    const { front } = await everything({ elicitation: () => ({ action: 'accept' }) });
    const names = await toolNames(front);
    const tool = names.find((n) => n.includes('url-elicitation'));
    expect(tool, `a URL elicitation tool in ${names.join(', ')}`).toBeDefined();
    const result = await relayCall(front, tool!, {
      url: 'https://example.com/authorize',
      elicitationId: 'elicit-everything-1',
      message: 'Please sign in',
    });
    const got = front.elicited[0]!;
    expect(got.mode).toBe('url');
    expect('url' in got && got.url).toBe('https://example.com/authorize');
    expect('elicitationId' in got && got.elicitationId).toBe('elicit-everything-1');
    expect(allText(result)).toContain('elicit-everything-1');
  });

  it('forwards roots/list and returns the front’s roots', async () => {
    const { front } = await everything({
      roots: [{ uri: 'file:///workspace/project', name: 'proj' }],
    });
    const tool = toolLike(await toolNames(front), 'roots');
    const result = await relayCall(front, tool);
    expect(allText(result)).toContain('file:///workspace/project');
    expect(front.rootsAsked).toBeGreaterThanOrEqual(1);
  });

  it('reports the backend’s progress under the front request’s token', async () => {
    const { front } = await everything();
    const tool = toolLike(await toolNames(front), 'long-running');
    const seen: Progress[] = [];
    const result = await relayCall(
      front,
      tool,
      { duration: 0.3, steps: 3 },
      {
        onprogress: (p) => seen.push(p),
      },
    );
    expect(result.isError).toBeFalsy();
    expect(seen.map((p) => [p.progress, p.total])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });

  it('forwards its log messages (plain string data)', async () => {
    const { front } = await everything();
    const tool = toolLike(await toolNames(front), 'logging');
    await relayCall(front, tool);
    try {
      await front.logsReached(1);
      const log = front.logs.find((l) => typeof l.data === 'string' && /message/i.test(l.data));
      expect(log, JSON.stringify(front.logs)).toBeDefined();
    } finally {
      await relayCall(front, tool);
    }
  });
});

describe('a stateful client over a stdio backend', () => {
  it('ends the backend child when the front session ends', async () => {
    const stateful = new StatefulProxyClient(EVERYTHING);
    cleanup.push(() => stateful.dispose());
    const front = await frontOver(() => stateful.newStateful());
    const pid = await pidOf(front);
    expect(isPidAlive(pid)).toBe(true);
    expect(await pidOf(front)).toBe(pid);
    await front.close();
    await waitFor(() => !isPidAlive(pid), {
      timeoutMs: 8000,
      what: `backend child ${pid} to exit`,
    });
    expect(stateful.size).toBe(0);
  });

  it('after kill -9 of the child, the next call fails naming the backend and the one after reconnects', async () => {
    const stateful = new StatefulProxyClient(EVERYTHING);
    cleanup.push(() => stateful.dispose());
    const front = await frontOver(() => stateful.newStateful());
    const tool = toolLike(await toolNames(front), 'long-running');
    const pid = await pidOf(front);
    // Kill the child while a call is running on it.
    let killed = false;
    const failure = await failureText(
      relayCall(
        front,
        tool,
        { duration: 20, steps: 200 },
        {
          onprogress: () => {
            if (killed) return;
            killed = true;
            process.kill(pid, 'SIGKILL');
          },
        },
      ),
    );
    expect(killed).toBe(true);
    expect(failure).toContain('everything');
    await waitFor(() => !isPidAlive(pid), { what: `killed child ${pid} to be gone` });
    const next = await pidOf(front);
    expect(next).not.toBe(pid);
    expect(isPidAlive(next)).toBe(true);
    const echoed = await relayCall(front, 'echo', { message: 'back again' });
    expect(allText(echoed)).toContain('back again');
  });

  it('after the child died while idle, the next call reconnects', async () => {
    const stateful = new StatefulProxyClient(EVERYTHING);
    cleanup.push(() => stateful.dispose());
    let session: ProxyClient | undefined;
    const front = await frontOver(() => {
      session = stateful.newStateful();
      return session;
    });
    const pid = await pidOf(front);
    expect(session?.connected).toBe(true);
    process.kill(pid, 'SIGKILL');
    // The client notices the exit by itself (no request in flight) and forgets the connection.
    await waitFor(() => session?.connected === false, {
      timeoutMs: 8000,
      what: `the client to notice that child ${pid} died`,
    });
    expect(isPidAlive(pid)).toBe(false);
    // So the very next call reconnects: it neither fails nor reaches the dead child.
    const echoed = await relayCall(front, 'echo', { message: 'one' });
    expect(echoed.isError).toBeFalsy();
    expect(allText(echoed)).toContain('one');
    const next = await pidOf(front);
    expect(next).not.toBe(pid);
    expect(isPidAlive(next)).toBe(true);
  });
});
