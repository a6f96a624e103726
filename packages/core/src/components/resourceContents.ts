import type { ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import type { ResourceResult } from './resource';

/** One item of a resource's contents: text or binary. */
export type ResourceContentItem = ReadResourceResult['contents'][number];

/** What a local resource's reader may return. */
export type ResourceReturn =
  | string
  | Uint8Array
  | ResourceContentItem
  | ResourceContentItem[]
  | ResourceResult;

function isItem(value: unknown): value is ResourceContentItem {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { uri?: unknown }).uri === 'string' &&
    ('text' in value || 'blob' in value)
  );
}

/**
 * Turns what a reader returned into a `ReadResourceResult` for `uri`: a string becomes a text
 * item, bytes a base64 blob item, each with `mimeType` when given.
 */
export function toResourceResult(
  value: ResourceReturn,
  uri: string,
  mimeType?: string,
): ResourceResult {
  const withType = mimeType === undefined ? {} : { mimeType };
  if (typeof value === 'string') return { contents: [{ uri, ...withType, text: value }] };
  if (value instanceof Uint8Array) {
    return { contents: [{ uri, ...withType, blob: Buffer.from(value).toString('base64') }] };
  }
  if (Array.isArray(value)) return { contents: value };
  if (isItem(value)) return { contents: [value] };
  return value;
}
