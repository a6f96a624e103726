import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { protocolError } from './errorMapping';

/** One page of a list and the cursor of the next, if any. */
export interface Page<T> {
  /** The items of this page. */
  items: T[];
  /** The opaque cursor of the next page. */
  nextCursor?: string;
}

function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): number {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof value.o === 'number' && Number.isInteger(value.o) && value.o >= 0) return value.o;
  } catch {
    // Reported below as an invalid cursor.
  }
  throw protocolError(ErrorCode.InvalidParams, `Invalid cursor: ${cursor}`);
}

/**
 * Throws a `TypeError` naming the `pageSize` option unless it is unset or a positive integer:
 * any other page size would make the server hand out cursors it then rejects.
 * @internal
 */
export function checkPageSize(pageSize: number | undefined): void {
  if (pageSize !== undefined && !(Number.isInteger(pageSize) && pageSize > 0)) {
    const shown = typeof pageSize === 'string' ? JSON.stringify(pageSize) : String(pageSize);
    throw new TypeError(`The pageSize option must be a positive integer, got ${shown}`);
  }
}

/**
 * Cuts a list into pages of `pageSize` with opaque cursors. Without a page size everything is
 * one page. An invalid cursor is a JSON-RPC error -32602.
 * @throws TypeError when `pageSize` is set but not a positive integer
 */
export function paginate<T>(
  items: readonly T[],
  cursor: string | undefined,
  pageSize: number | undefined,
): Page<T> {
  checkPageSize(pageSize);
  const offset = cursor === undefined ? 0 : decodeCursor(cursor);
  if (offset > items.length)
    throw protocolError(ErrorCode.InvalidParams, `Invalid cursor: ${cursor}`);
  if (pageSize === undefined) return { items: items.slice(offset) };
  const end = offset + pageSize;
  const page: Page<T> = { items: items.slice(offset, end) };
  if (end < items.length) page.nextCursor = encodeCursor(end);
  return page;
}
