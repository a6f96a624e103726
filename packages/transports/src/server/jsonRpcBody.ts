import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { JsonRpcCode } from './httpReplies';

/** The most messages accepted in one batch (as the SDK's own server). */
export const MAX_BATCH_SIZE = 100;

/** A POST body that holds valid JSON-RPC. */
export interface ParsedMessages {
  /** Always true: tells this shape from {@link BodyError}. */
  ok: true;
  /** The messages, in order. */
  messages: JSONRPCMessage[];
  /** The ids of the requests among them (the messages that await a response). */
  requestIds: RequestId[];
  /** Whether one of them is an `initialize` request. */
  initialize: boolean;
  /** Whether the body was a JSON array. */
  batch: boolean;
}

/** A POST body that must be refused with 400. */
export interface BodyError {
  /** Always false. */
  ok: false;
  /** The JSON-RPC error code of the answer. */
  code: number;
  /** The error message of the answer. */
  message: string;
}

type Shape = 'request' | 'notification' | 'response' | undefined;

const isId = (id: unknown): id is RequestId =>
  typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id));

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Classifies one message by its shape, without copying it; undefined when it is not JSON-RPC. */
function shapeOf(value: unknown): Shape {
  if (!isObject(value) || value.jsonrpc !== '2.0') return undefined;
  if (value.method !== undefined) {
    if (typeof value.method !== 'string') return undefined;
    if (value.params !== undefined && !isObject(value.params)) return undefined;
    if (value.id === undefined) return 'notification';
    return isId(value.id) ? 'request' : undefined;
  }
  if (value.result !== undefined)
    return isId(value.id) && isObject(value.result) ? 'response' : undefined;
  const error = value.error;
  if (!isObject(error) || typeof error.code !== 'number' || typeof error.message !== 'string') {
    return undefined;
  }
  return value.id === undefined || isId(value.id) ? 'response' : undefined;
}

const INVALID: BodyError = {
  ok: false,
  code: JsonRpcCode.InvalidRequest,
  message: 'Invalid Request: not a JSON-RPC message',
};

/**
 * Parses a POST body into JSON-RPC messages: one message, or a non-empty array of them (a
 * batch, accepted for older clients). Checks the envelope only; the server validates params.
 */
export function parseJsonRpcBody(body: Buffer): ParsedMessages | BodyError {
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, code: JsonRpcCode.ParseError, message: 'Parse error: Invalid JSON' };
  }
  const batch = Array.isArray(raw);
  const items: unknown[] = batch ? (raw as unknown[]) : [raw];
  if (items.length === 0 || items.length > MAX_BATCH_SIZE) {
    return {
      ok: false,
      code: JsonRpcCode.InvalidRequest,
      message: `Invalid Request: batch size: ${items.length}`,
    };
  }
  const requestIds: RequestId[] = [];
  let initialize = false;
  for (const item of items) {
    const shape = shapeOf(item);
    if (shape === undefined) return INVALID;
    if (shape === 'request') {
      const request = item as { id: RequestId; method: string };
      requestIds.push(request.id);
      if (request.method === 'initialize') initialize = true;
    }
  }
  return { ok: true, messages: items as JSONRPCMessage[], requestIds, initialize, batch };
}

/** Whether an outgoing message is a response (result or error) rather than a request or notification. */
export function isResponse(message: JSONRPCMessage): boolean {
  return !('method' in message) && ('result' in message || 'error' in message);
}
