import type { ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  failureText,
  firstText,
  type Harness,
  harness,
  relayCall,
  structured,
} from './fixtures/harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('elicitation forwarding, form mode', () => {
  it('shows the front the message and the exact requested schema, defaults included', async () => {
    h = await harness({ elicitation: () => ({ action: 'accept', content: { name: 'Alice' } }) });
    await relayCall(h.front, 'greet');
    expect(h.front.elicited).toHaveLength(1);
    const got = h.front.elicited[0]!;
    expect(got.message).toBe('What is your name?');
    expect(got.mode ?? 'form').toBe('form');
    expect('requestedSchema' in got && got.requestedSchema).toEqual({
      type: 'object',
      properties: { name: { type: 'string' }, acknowledge: { type: 'boolean', default: false } },
      required: ['name'],
    });
  });

  it('returns an accept with its content', async () => {
    h = await harness({
      elicitation: () => ({ action: 'accept', content: { name: 'Alice', acknowledge: true } }),
    });
    expect(firstText(await relayCall(h.front, 'greet'))).toBe('Hello, Alice!');
  });

  it('returns a decline', async () => {
    h = await harness({ elicitation: () => ({ action: 'decline' }) });
    expect(firstText(await relayCall(h.front, 'greet'))).toBe('No name provided.');
  });

  it('returns action, content and _meta exactly as the front answered', async () => {
    const answer: ElicitResult = {
      action: 'accept',
      content: { count: 3, tags: ['a', 'b'], ok: true },
      _meta: { 'example.com/ui': 'dialog' },
    };
    h = await harness({ elicitation: () => answer });
    const request = {
      message: 'How many?',
      requestedSchema: {
        type: 'object',
        properties: {
          count: { type: 'integer', minimum: 1 },
          tags: { type: 'array', items: { type: 'string', enum: ['a', 'b', 'c'] } },
          ok: { type: 'boolean' },
        },
      },
    };
    const result = structured(await relayCall(h.front, 'elicit', { request }))
      .result as ElicitResult;
    expect(result).toEqual(answer);
    expect(h.front.elicited[0]).toMatchObject(request);
  });

  it('returns a cancel', async () => {
    h = await harness({ elicitation: () => ({ action: 'cancel' }) });
    const result = structured(
      await relayCall(h.front, 'elicit', {
        request: { message: 'm', requestedSchema: { type: 'object', properties: {} } },
      }),
    ).result as ElicitResult;
    expect(result).toEqual({ action: 'cancel' });
  });
});

describe('elicitation forwarding, URL mode', () => {
  it('shows the front the url and elicitation id (not an empty form), and returns its action', async () => {
    h = await harness({ elicitation: () => ({ action: 'accept' }) });
    const request = {
      mode: 'url',
      message: 'Sign in to continue',
      url: 'https://auth.example.com/authorize?state=xyz',
      elicitationId: 'elicit-42',
    };
    const result = structured(await relayCall(h.front, 'elicit', { request }))
      .result as ElicitResult;
    expect(result).toEqual({ action: 'accept' });
    const got = h.front.elicited[0]!;
    expect(got.mode).toBe('url');
    expect(got.message).toBe('Sign in to continue');
    expect('url' in got && got.url).toBe('https://auth.example.com/authorize?state=xyz');
    expect('elicitationId' in got && got.elicitationId).toBe('elicit-42');
    expect('requestedSchema' in got).toBe(false);
  });

  it('is refused with a reason when the front supports form mode only', async () => {
    h = await harness({ capabilities: { elicitation: { form: {} } } });
    const call = relayCall(h.front, 'elicit', {
      request: { mode: 'url', message: 'm', url: 'https://example.com/', elicitationId: 'e1' },
    });
    expect(await failureText(call)).toMatch(/elicitation\.url|URL-mode/);
    expect(h.front.elicited).toHaveLength(0);
  });
});
