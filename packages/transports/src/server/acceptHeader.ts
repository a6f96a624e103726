/**
 * `Accept` as RFC 9110 (section 12.5.1) defines it: a list of media ranges (`type/subtype`,
 * `type/*` or `*\/*`), each with parameters and an optional weight `q` from 0 to 1. A media
 * type is acceptable when the most specific range that matches it has a weight above 0: in
 * `text/*;q=0, text/event-stream` the event stream is acceptable, in
 * `*\/*, application/json;q=0` JSON is not. Case does not matter, whitespace around the parts
 * is allowed. Parameters other than `q` are ignored when matching (our answers carry none, and a
 * client that asks for `application/json; charset=utf-8` gets UTF-8 JSON). A range that cannot
 * be parsed (no `/`, a malformed weight) is ignored.
 */

/** One media range of an `Accept` header. */
interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/** Splits on `sep` outside quoted strings. */
function splitOutsideQuotes(text: string, sep: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let at = 0; at < text.length; at++) {
    const char = text[at];
    if (quoted) {
      if (char === '\\') at++;
      else if (char === '"') quoted = false;
    } else if (char === '"') {
      quoted = true;
    } else if (char === sep) {
      parts.push(text.slice(start, at));
      start = at + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function parseRange(text: string): MediaRange | undefined {
  const [range = '', ...params] = splitOutsideQuotes(text, ';');
  const slash = range.indexOf('/');
  if (slash === -1) return undefined;
  const type = range.slice(0, slash).trim().toLowerCase();
  const subtype = range
    .slice(slash + 1)
    .trim()
    .toLowerCase();
  if (!TOKEN.test(type) || !TOKEN.test(subtype) || (type === '*' && subtype !== '*')) {
    return undefined;
  }
  let q = 1;
  for (const param of params) {
    const equals = param.indexOf('=');
    if (equals === -1) continue;
    if (param.slice(0, equals).trim().toLowerCase() !== 'q') continue;
    const value = param.slice(equals + 1).trim();
    if (!QVALUE.test(value)) return undefined;
    q = Number(value);
  }
  return { type, subtype, q };
}

/** The media ranges of an `Accept` header, in order (unparseable ones left out). */
function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of splitOutsideQuotes(header, ',')) {
    if (part.trim() === '') continue;
    const range = parseRange(part);
    if (range !== undefined) ranges.push(range);
  }
  return ranges;
}

/** How specific a range is for a media type it matches (2 exact, 1 `type/*`, 0 `*\/*`), or -1. */
function specificity(range: MediaRange, type: string, subtype: string): number {
  if (range.type === '*') return 0;
  if (range.type !== type) return -1;
  if (range.subtype === '*') return 1;
  return range.subtype === subtype ? 2 : -1;
}

/**
 * Whether an `Accept` header accepts every one of `mediaTypes` (lowercase `type/subtype`). An
 * absent header accepts nothing here: MCP clients must send one.
 */
export function acceptsAll(header: string | undefined, mediaTypes: readonly string[]): boolean {
  if (header === undefined) return false;
  const ranges = parseAccept(header);
  return mediaTypes.every((mediaType) => {
    const [type = '', subtype = ''] = mediaType.split('/');
    let best = -1;
    let q = 0;
    for (const range of ranges) {
      const rank = specificity(range, type, subtype);
      // Equally specific ranges: the first wins (RFC 9110 leaves it open).
      if (rank > best) {
        best = rank;
        q = range.q;
      }
    }
    return q > 0;
  });
}
