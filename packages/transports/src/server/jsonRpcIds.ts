import type { RequestId } from '@modelcontextprotocol/sdk/types.js';

/**
 * Request ids as they came on the wire.
 *
 * `JSON.parse` loses what some ids were: `9007199254740993` becomes `9007199254740992`, `1e400`
 * becomes `Infinity`, `1.0` becomes `1`, `-0` is written back as `0`, `"\u0041"` as `"A"`. And
 * the SDK accepts only strings and safe integers as ids: a request with any other number id is
 * not a request to it, and would never be answered. So the raw text of every message's `id` is
 * read from the body ({@link scanMessages}), each id is given the key the SDK and the transport use
 * ({@link idKey}): the parsed value when the SDK accepts it, else a string surrogate; and the
 * answer is written with the raw text again ({@link serializeWithId}).
 */

/**
 * The prefix of surrogate ids (a Unicode noncharacter, so no sane client uses it). A client
 * string id that starts with it is given a surrogate too, so that no client id ever equals one.
 */
const SURROGATE_PREFIX = '\uFDD0id:';

const NUMBER = /^(-?)(0|[1-9]\d*)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** Exponents longer than this are not computed with (see {@link canonicalInteger}). */
const MAX_EXPONENT_DIGITS = 1000;

/** What {@link idKey} makes of one raw id. */
export type IdKey =
  | {
      ok: true;
      /** The id the server sees and answers with. */
      key: RequestId;
      /** The raw text to write back, when `JSON.stringify(key)` would differ from it. */
      wire: string | undefined;
    }
  | { ok: false };

/**
 * The mathematical value of a JSON number, canonical: `-0`, `0.0` and `0e5` give `0`; `1.0`,
 * `10e-1` and `0.1e1` give `1e0`. Undefined when it is not an integer.
 */
function canonicalInteger(raw: string): string | undefined {
  const match = NUMBER.exec(raw);
  if (match === null) return undefined;
  const [, sign, int = '', frac = '', exponent = '0'] = match;
  let digits = int + frac;
  let start = 0;
  while (start < digits.length && digits.charCodeAt(start) === 48) start++;
  digits = digits.slice(start);
  if (digits.length === 0) return '0';
  // Parsing a huge exponent as a BigInt takes seconds (a 4 MiB body of digits): such a number is
  // a fraction when the exponent is negative, else it keeps its own text as its value.
  if (exponent.replace(/^[+-]?0*/, '').length > MAX_EXPONENT_DIGITS) {
    return exponent.startsWith('-') ? undefined : `~${raw}`;
  }
  let exp = BigInt(exponent) - BigInt(frac.length);
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 48) end--;
  exp += BigInt(digits.length - end);
  digits = digits.slice(0, end);
  if (exp < 0n) return undefined;
  return `${sign}${digits}e${exp}`;
}

/** The safe integer a canonical integer stands for, if it is one. */
function safeInteger(canonical: string): number | undefined {
  if (canonical === '0') return 0;
  if (canonical.startsWith('~')) return undefined;
  const e = canonical.lastIndexOf('e');
  const exp = BigInt(canonical.slice(e + 1));
  const negative = canonical.startsWith('-');
  const digits = canonical.slice(negative ? 1 : 0, e);
  if (BigInt(digits.length) + exp > 16n) return undefined;
  const value = BigInt(digits) * 10n ** exp;
  if (value > MAX_SAFE) return undefined;
  return Number(negative ? -value : value);
}

/**
 * The key of a request id given its raw JSON text and its parsed value. Strings keep their
 * value; integers that are safe become that number (so `1`, `1.0` and `1e0` are the same id);
 * other integers, however large, get a surrogate that is the same for the same value. A
 * fraction, or anything but a string or a number, is not an id (`ok: false`).
 */
export function idKey(raw: string, value: unknown): IdKey {
  let key: RequestId;
  if (typeof value === 'string') {
    key = value.startsWith(SURROGATE_PREFIX) ? `${SURROGATE_PREFIX}s${value}` : value;
  } else if (typeof value === 'number') {
    const canonical = canonicalInteger(raw);
    if (canonical === undefined) return { ok: false };
    key = safeInteger(canonical) ?? `${SURROGATE_PREFIX}n${canonical}`;
  } else {
    return { ok: false };
  }
  return { ok: true, key, wire: raw === JSON.stringify(key) ? undefined : raw };
}

const isSpace = (code: number): boolean => code === 32 || code === 10 || code === 13 || code === 9;

/** The index just past the string token starting at `start` (a `"`). */
function skipString(text: string, start: number): number {
  let at = start + 1;
  for (;;) {
    const quote = text.indexOf('"', at);
    if (quote === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    at = quote + 1;
  }
}

/** The index just past the JSON value starting at `start` (the text is valid JSON). */
function skipValue(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first === 34) return skipString(text, start);
  if (first === 123 || first === 91) {
    let depth = 0;
    let at = start;
    while (at < text.length) {
      const code = text.charCodeAt(at);
      if (code === 34) {
        at = skipString(text, at);
        continue;
      }
      if (code === 123 || code === 91) depth++;
      else if (code === 125 || code === 93) {
        depth--;
        if (depth === 0) return at + 1;
      }
      at++;
    }
    return at;
  }
  let at = start;
  while (at < text.length) {
    const code = text.charCodeAt(at);
    if (code === 44 || code === 125 || code === 93 || isSpace(code)) break;
    at++;
  }
  return at;
}

function skipSpace(text: string, at: number): number {
  while (at < text.length && isSpace(text.charCodeAt(at))) at++;
  return at;
}

/** Where the value of member `name` of the object at `start` is (the last one, as `JSON.parse`). */
function memberSpan(text: string, start: number, name: string): [number, number] | undefined {
  let span: [number, number] | undefined;
  let at = skipSpace(text, start + 1);
  while (at < text.length && text.charCodeAt(at) !== 125) {
    const keyEnd = skipString(text, at);
    const keyText = text.slice(at, keyEnd);
    const key = keyText.includes('\\') ? (JSON.parse(keyText) as string) : keyText.slice(1, -1);
    at = skipSpace(text, skipSpace(text, keyEnd) + 1);
    const valueEnd = skipValue(text, at);
    if (key === name) span = [at, valueEnd];
    at = skipSpace(text, valueEnd);
    if (text.charCodeAt(at) === 44) at = skipSpace(text, at + 1);
  }
  return span;
}

/** The raw text of one message of a body: where it starts, and the text of its `id`. */
export interface RawMessage {
  /** Where the message object starts in the text; undefined when it is no object. */
  start: number | undefined;
  /** The raw text of its `id` member, if it has one. */
  id: string | undefined;
}

function rawMessage(text: string, at: number): RawMessage {
  if (text.charCodeAt(at) !== 123) return { start: undefined, id: undefined };
  const span = memberSpan(text, at, 'id');
  return { start: at, id: span === undefined ? undefined : text.slice(span[0], span[1]) };
}

/**
 * The raw text of each message of a body that `JSON.parse` accepted: one entry for a single
 * message, one per element for a batch.
 */
export function scanMessages(text: string): RawMessage[] {
  let at = skipSpace(text, 0);
  if (text.charCodeAt(at) !== 91) return [rawMessage(text, at)];
  const messages: RawMessage[] = [];
  at = skipSpace(text, at + 1);
  while (at < text.length && text.charCodeAt(at) !== 93) {
    messages.push(rawMessage(text, at));
    at = skipSpace(text, skipValue(text, at));
    if (text.charCodeAt(at) === 44) at = skipSpace(text, at + 1);
  }
  return messages;
}

/** The raw text of `params.requestId` of the message object at `start` (a cancellation). */
export function rawCancelledId(text: string, start: number): string | undefined {
  const params = memberSpan(text, start, 'params');
  if (params === undefined || text.charCodeAt(params[0]) !== 123) return undefined;
  const span = memberSpan(text, params[0], 'requestId');
  return span === undefined ? undefined : text.slice(span[0], span[1]);
}

/**
 * Serialises an outgoing message whose `id` must be written as `wire` (the raw text the client
 * sent), or as usual when `wire` is undefined.
 */
export function serializeWithId(message: object, wire: string | undefined): string {
  if (wire === undefined) return JSON.stringify(message);
  const { id: _id, ...rest } = message as { id?: unknown };
  const others = JSON.stringify(rest);
  return others === '{}' ? `{"id":${wire}}` : `{"id":${wire},${others.slice(1)}`;
}

/** Renders an id for an error message: its raw text, shortened when long. */
export function describeId(wire: string): string {
  return wire.length <= 64 ? wire : `${wire.slice(0, 61)}...`;
}
