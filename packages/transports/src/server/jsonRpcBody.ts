import {
  type JSONRPCMessage,
  JSONRPCRequestSchema,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import { JsonRpcCode } from './httpReplies';
import { describeId, idKey, type RawMessage, rawCancelledId, scanMessages } from './jsonRpcIds';

/** The most messages accepted in one batch (as the SDK's own server). */
export const MAX_BATCH_SIZE = 100;

/** A POST body that holds valid JSON-RPC. */
export interface ParsedMessages {
  /** Always true: tells this shape from {@link BodyError}. */
  ok: true;
  /** The messages, in order. */
  messages: JSONRPCMessage[];
  /** The ids of the requests among them (the messages that await a response), as the server sees them. */
  requestIds: RequestId[];
  /**
   * The raw text of the request ids that must be written back other than as
   * `JSON.stringify(id)`, by the id the server sees (a surrogate, or a value sent as `1.0`).
   */
  wireIds: ReadonlyMap<RequestId, string>;
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

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Classifies one message by its shape, without copying it; undefined when it is not JSON-RPC.
 * Ids are checked later, against their raw text (see {@link idKey}); an error response may have
 * `id: null` (the peer could not read the request it answers).
 */
function shapeOf(value: unknown): Shape {
  if (!isObject(value) || value.jsonrpc !== '2.0') return undefined;
  if (value.method !== undefined) {
    if (typeof value.method !== 'string') return undefined;
    if (value.params !== undefined && !isObject(value.params)) return undefined;
    if (value.id === undefined) return 'notification';
    return value.id === null ? undefined : 'request';
  }
  if (value.result !== undefined) {
    return value.id !== undefined && value.id !== null && isObject(value.result)
      ? 'response'
      : undefined;
  }
  const error = value.error;
  if (!isObject(error) || typeof error.code !== 'number' || typeof error.message !== 'string') {
    return undefined;
  }
  return 'response';
}

const INVALID: BodyError = {
  ok: false,
  code: JsonRpcCode.InvalidRequest,
  message: 'Invalid Request: not a JSON-RPC message',
};

const invalidId = (wire: string): BodyError => ({
  ok: false,
  code: JsonRpcCode.InvalidRequest,
  message: `Invalid Request: an id must be a string or an integer: ${describeId(wire)}`,
});

const CANCELLED = 'notifications/cancelled';

/**
 * A `notifications/cancelled` whose `params.requestId` is given the key its request got (see
 * {@link idKey}), so that a request with a big id can be cancelled too.
 */
function cancellationWithKey<M extends object>(
  message: M,
  text: string,
  raw: RawMessage | undefined,
): M {
  const params = (message as { params?: { requestId?: unknown } }).params;
  if (params?.requestId === undefined || raw?.start === undefined) return message;
  const wire = rawCancelledId(text, raw.start);
  if (wire === undefined) return message;
  const id = idKey(wire, params.requestId);
  if (!id.ok || Object.is(id.key, params.requestId)) return message;
  return { ...message, params: { ...params, requestId: id.key } };
}

function notARequest(issue: { path: PropertyKey[]; message: string } | undefined): BodyError {
  const where = issue === undefined ? '' : `${issue.path.map(String).join('.')}: ${issue.message}`;
  return { ok: false, code: JsonRpcCode.InvalidRequest, message: `Invalid Request: ${where}` };
}

/**
 * Parses a POST body into JSON-RPC messages: one message, or a non-empty array of them (a
 * batch, accepted for older clients). Checks the envelope only; the server validates params.
 *
 * Every id is read from the raw text as well (see {@link idKey}): a number id that is not a
 * safe integer is handed to the server as a surrogate string, and {@link ParsedMessages.wireIds}
 * keeps the text to answer with. A fraction is refused, and so are two requests of one batch
 * with the same id (they could not both be answered).
 */
export function parseJsonRpcBody(body: Buffer): ParsedMessages | BodyError {
  const text = body.toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
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
  const shapes: Shape[] = [];
  let scan = false;
  for (const item of items) {
    const shape = shapeOf(item);
    if (shape === undefined) return INVALID;
    shapes.push(shape);
    const message = item as { id?: unknown; method?: unknown };
    if (message.id != null || message.method === CANCELLED) scan = true;
  }
  const raws = scan ? scanMessages(text) : [];
  const messages: JSONRPCMessage[] = [];
  const requestIds: RequestId[] = [];
  const wireIds = new Map<RequestId, string>();
  let initialize = false;
  for (const [index, item] of items.entries()) {
    let message = item as JSONRPCMessage & { id?: unknown; method?: unknown };
    const shape = shapes[index];
    if (message.id === null) {
      // An error response the peer could not tie to a request: the SDK knows it without an id.
      const { id: _null, ...rest } = message;
      message = rest as typeof message;
    } else if (message.id === undefined) {
      if (message.method === CANCELLED) message = cancellationWithKey(message, text, raws[index]);
    } else {
      const wire = raws[index]?.id ?? JSON.stringify(message.id);
      const id = idKey(wire, message.id);
      if (!id.ok) return invalidId(wire);
      if (!Object.is(id.key, message.id)) message = { ...message, id: id.key };
      if (shape === 'request') {
        if (requestIds.includes(id.key)) {
          return {
            ok: false,
            code: JsonRpcCode.InvalidRequest,
            message: `Invalid Request: two requests of the batch have the id: ${describeId(wire)}`,
          };
        }
        // A request the SDK does not take for one (`params._meta` of the wrong type, say) would
        // be dropped or handled as a notification, and its POST would wait forever.
        const checked = JSONRPCRequestSchema.safeParse(message);
        if (!checked.success) return notARequest(checked.error.issues[0]);
        requestIds.push(id.key);
        if (id.wire !== undefined) wireIds.set(id.key, id.wire);
        if (message.method === 'initialize') initialize = true;
      }
    }
    messages.push(message);
  }
  return { ok: true, messages, requestIds, wireIds, initialize, batch };
}

/** Whether an outgoing message is a response (result or error) rather than a request or notification. */
export function isResponse(message: JSONRPCMessage): boolean {
  return !('method' in message) && ('result' in message || 'error' in message);
}
