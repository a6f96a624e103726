import { createProxy, type ProxyServer } from '@org/proxy';
import { childPids, waitFor } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { answerLikeAUser, everythingTarget } from '../fixtures/everything';
import { type Front, frontInMemory } from '../fixtures/fronts';

// server-everything, a server nobody here wrote: it lists its sampling, elicitation and roots
// tools only to clients that declare those capabilities.
let proxy: ProxyServer | undefined;
const fronts: Front[] = [];

afterEach(async () => {
  for (const front of fronts.splice(0)) await front.close();
  await proxy?.close();
  proxy = undefined;
  await waitFor(() => childPids(process.pid).length === 0, { timeoutMs: 10_000 });
});

async function front(server: ProxyServer, name: string, capabilities: Record<string, unknown>) {
  const made = await frontInMemory(server, { capabilities }, name);
  answerLikeAUser(made.client);
  fronts.push(made);
  return made;
}

const names = async (f: Front) => (await f.client.listTools()).tools.map((t) => t.name);

describe('server-everything behind the proxy', () => {
  it('per-session: each client lists what its own capabilities show, as it would directly', async () => {
    proxy = createProxy(everythingTarget());
    const sampler = await front(proxy, 'sampler', { sampling: {} });
    const plain = await front(proxy, 'plain', {});
    expect(await names(sampler)).toContain('trigger-sampling-request');
    expect(await names(plain)).not.toContain('trigger-sampling-request');
    const sampled = await sampler.client.callTool({
      name: 'trigger-sampling-request',
      arguments: { prompt: 'Say hi', maxTokens: 20 },
    });
    expect(JSON.stringify(sampled.content)).toContain('Sampled');
  });

  it('shared: one backend session told what the proxy can route; a client without sampling is refused', async () => {
    proxy = createProxy(everythingTarget(), { strategy: 'shared' });
    const plain = await front(proxy, 'plain', {});
    const sampler = await front(proxy, 'sampler', { sampling: {} });
    // The shared session was opened for a client without sampling, yet lists the sampling tool.
    expect(await names(plain)).toContain('trigger-sampling-request');
    const sampled = await sampler.client.callTool({
      name: 'trigger-sampling-request',
      arguments: { prompt: 'Say hi', maxTokens: 20 },
    });
    expect(JSON.stringify(sampled.content)).toContain('Sampled');
    const refused = await plain.client.callTool({
      name: 'trigger-sampling-request',
      arguments: { prompt: 'Say hi', maxTokens: 20 },
    });
    expect(JSON.stringify(refused)).toContain('does not support sampling');
    expect(childPids(process.pid)).toHaveLength(1);
  });
});
