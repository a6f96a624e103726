import { createProxy, type ProxyServer } from '@org/proxy';
import { afterEach, describe, expect, it } from 'vitest';
import { type Front, frontInMemory } from '../fixtures/fronts';
import { labelOf, workspaceTarget } from './fixtures';

let proxy: ProxyServer | undefined;
const fronts: Front[] = [];

afterEach(async () => {
  for (const front of fronts.splice(0)) await front.close();
  await proxy?.close();
  proxy = undefined;
});

describe('the backend instructions', () => {
  it("reach each front from its own backend session's initialize", async () => {
    proxy = createProxy(workspaceTarget().server);
    const a = await frontInMemory(proxy, {}, 'a');
    const b = await frontInMemory(proxy, {}, 'b');
    fronts.push(a, b);
    for (const front of [a, b]) {
      const label = await labelOf(front.client);
      expect(front.client.getInstructions()).toBe(
        `Workspace session ${label}: notes live in this session only.`,
      );
    }
  });

  it('give way to the instructions option', async () => {
    proxy = createProxy(workspaceTarget().server, { instructions: 'Use the notes tools.' });
    const front = await frontInMemory(proxy);
    fronts.push(front);
    expect(front.client.getInstructions()).toBe('Use the notes tools.');
  });
});
