import { describe, expect, it } from 'vitest';
import { findJsonSyntaxError } from '../../src/config/findJsonSyntaxError';

const VALID = `{
  "mcpServers": {
    "a": { "command": "x", "args": ["-y", "\\u00e9\\n", 1.5e3, -0, true, false, null], "env": {} },
    "b": { "url": "http://h/mcp", "headers": { "K": "v" }, "list": [[], [{}], {"x": [1, 2]}] }
  }
}`;

/** A deterministic pseudo-random generator (mulberry32). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('findJsonSyntaxError', () => {
  it('accepts valid JSON', () => {
    expect(findJsonSyntaxError(VALID)).toBeUndefined();
    for (const text of [
      '0',
      '"s"',
      ' null ',
      '[]',
      '{}',
      '-1.0E+2',
      '"\\"\\\\\\/\\b\\f\\n\\r\\t"',
    ]) {
      expect(findJsonSyntaxError(text), text).toBeUndefined();
    }
  });

  it.each([
    ['{"a": }', 1, 7, 'expected a value'],
    ['{"a": 1,}', 1, 9, 'expected a double-quoted property name'],
    ['{"a" 1}', 1, 6, "expected ':' after a property name"],
    ['[1 2]', 1, 4, "expected ',' or ']'"],
    ['[1,]', 1, 4, 'expected a value'],
    ["{'a': 1}", 1, 2, 'expected a double-quoted property name'],
    ['{"a": "x\n"}', 1, 9, 'control character in a string'],
    ['{"a": "\\x"}', 1, 8, 'invalid escape sequence in a string'],
    ['{"a": "\\u12G4"}', 1, 8, 'invalid escape sequence in a string'],
    ['{\n  "a": "open\n', 2, 13, 'control character in a string'],
    ['{\n  "a": "open', 2, 8, 'unterminated string'],
    ['{"a": 1', 1, 8, 'unexpected end of input'],
    ['', 1, 1, 'unexpected end of input'],
    ['{} x', 1, 4, 'unexpected content after the JSON value'],
    ['01', 1, 2, 'unexpected content after the JSON value'],
    ['{"a": tru}', 1, 7, 'expected a value'],
    ['\r\n\r\n  }', 3, 3, 'expected a value'],
  ])('reports %j at line %i, column %i', (text, line, column, message) => {
    expect(parses(text)).toBe(false);
    expect(findJsonSyntaxError(text)).toEqual({ line, column, message });
  });

  it('handles deep nesting without recursion', () => {
    const depth = 100_000;
    expect(findJsonSyntaxError(`${'['.repeat(depth)}${']'.repeat(depth)}`)).toBeUndefined();
    expect(findJsonSyntaxError(`${'['.repeat(depth)}${']'.repeat(depth - 1)}`)?.message).toBe(
      'unexpected end of input',
    );
  });

  it('agrees with JSON.parse on 2000 random mutations of a valid document', () => {
    const next = random(42);
    const alphabet = '{}[]:,"\\ \n0123456789-+.eEtrufalsn\u0001x';
    for (let i = 0; i < 2000; i++) {
      const at = Math.floor(next() * VALID.length);
      const kind = Math.floor(next() * 3);
      const char = alphabet[Math.floor(next() * alphabet.length)] ?? '';
      const mutated =
        kind === 0
          ? VALID.slice(0, at) + VALID.slice(at + 1)
          : kind === 1
            ? VALID.slice(0, at) + char + VALID.slice(at)
            : VALID.slice(0, at) + char + VALID.slice(at + 1);
      expect(findJsonSyntaxError(mutated) === undefined, mutated).toBe(parses(mutated));
    }
  });
});
