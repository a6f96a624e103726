import { createProxy, parsePolicy, RateLimiter } from '@org/proxy';
import { workspaceStdioCommand } from '@org/test-utils';
import { describe, expect, it } from 'vitest';

// Promise: the `policy` section is validated with errors naming each field (never a value),
// and rate-limit buckets refill at their rate, per caller and per tool or per rule.

const servers = { alpha: workspaceStdioCommand('a') };

describe('the policy section', () => {
  it('names every wrong field', () => {
    const config = {
      mcpServers: servers,
      policy: {
        default: 'maybe',
        rules: [{ match: { scopes: 'one' }, allow: ['alpha/'], extra: 1 }],
        rateLimits: [{ tools: [], capacity: 1.5, refillPerSecond: 0 }],
        pinning: { action: 'drop', pins: { 'no-slash': 'sha256:abc' } },
      },
    };
    let message = '';
    try {
      createProxy(config);
    } catch (error) {
      message = (error as Error).message;
    }
    for (const expected of [
      'config: policy.default: expected "allow" or "deny"',
      'policy.rules[0].match.scopes: expected an array of strings',
      'policy.rules[0].allow[0]: expected <server>, <server>/<name glob> or <server>/uri:<uri glob>',
      'policy.rules[0]: unknown key "extra"',
      'policy.rateLimits[0].tools: expected at least one target',
      'policy.rateLimits[0].capacity: expected a whole number',
      'policy.rateLimits[0].refillPerSecond: expected a number above 0',
      'policy.pinning.action: expected "withhold" or "warn"',
      'policy.pinning.pins.no-slash: expected <server>/<tool>',
    ]) {
      expect(message).toContain(expected);
    }
  });

  it('accepts a valid section and leaves a config without one alone', () => {
    expect(
      parsePolicy({
        mcpServers: servers,
        policy: { rules: [{ allow: ['alpha/uri:note://*', '*'] }] },
      } as never),
    ).toEqual({ rules: [{ allow: ['alpha/uri:note://*', '*'] }] });
    expect(parsePolicy({ mcpServers: servers } as never)).toBeUndefined();
  });
});

describe('RateLimiter', () => {
  it('refills each bucket at its rate, per caller and per tool or per rule', () => {
    let now = 0;
    const limiter = new RateLimiter(
      [
        { tools: ['a/x', 'a/y'], capacity: 2, refillPerSecond: 1 },
        {
          tools: ['b/*'],
          capacity: 1,
          refillPerSecond: 0.5,
          per: 'rule',
          match: { subjects: ['bob'] },
        },
      ],
      () => now,
    );
    const bob = { subject: 'bob', scopes: [] };
    const ann = { subject: 'ann', scopes: [] };
    expect(limiter.take('a', 'x', bob)).toBeUndefined();
    expect(limiter.take('a', 'x', bob)).toBeUndefined();
    expect(limiter.take('a', 'x', bob)).toEqual({
      retryAfterMs: 1000,
      limit: { capacity: 2, refillPerSecond: 1 },
    });
    expect(limiter.take('a', 'y', bob)).toBeUndefined();
    expect(limiter.take('a', 'x', ann)).toBeUndefined();
    now = 500;
    expect(limiter.take('a', 'x', bob)?.retryAfterMs).toBe(500);
    now = 1000;
    expect(limiter.take('a', 'x', bob)).toBeUndefined();
    // One bucket for every tool of b, for bob only; ann is not limited there.
    expect(limiter.take('b', 'p', bob)).toBeUndefined();
    expect(limiter.take('b', 'q', bob)?.retryAfterMs).toBe(2000);
    for (let i = 0; i < 5; i++) expect(limiter.take('b', 'q', ann)).toBeUndefined();
    // An unauthenticated caller is limited where the limit has no match.
    expect(limiter.take('a', 'x', undefined)).toBeUndefined();
  });
});
