import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { errorMessage, ProxyError, ProxyErrorCode } from '@org/transports';
import { PromptError, ResourceError, ToolError } from '../components/errors';
import type { ToolResult } from '../components/tool';

/** The JSON-RPC error code MCP uses for an unknown resource. */
export const RESOURCE_NOT_FOUND = -32002;

/**
 * A JSON-RPC error whose wire message is `message` itself. The SDK's `McpError` prefixes its
 * message with `MCP error <code>: ` and sends that prefix on the wire, where a client wraps it
 * once more; this keeps the wire message in the project's style. An `McpError` received from a
 * backend passes through {@link wireError} without its prefix.
 * @internal
 */
export function protocolError(code: number, message: string, data?: unknown): McpError {
  const error = new McpError(code, message, data);
  error.message = message;
  return error;
}

/** An `McpError` with the SDK's `MCP error <code>: ` prefixes removed from its message. */
function wireError(error: McpError): McpError {
  const prefix = `MCP error ${error.code}: `;
  let message = error.message;
  for (let round = 0; round < 5 && message.startsWith(prefix); round++)
    message = message.slice(prefix.length);
  return message === error.message ? error : protocolError(error.code, message, error.data);
}

/** Whether an error's message was written for the client (and so is never masked). */
function isClientFacing(error: unknown): boolean {
  return (
    error instanceof ToolError ||
    error instanceof ResourceError ||
    error instanceof PromptError ||
    error instanceof ProxyError
  );
}

/**
 * What a failed tool call becomes. A protocol error from a backend passes through with its
 * code; an unknown tool is -32602; anything else is an `isError` result the model can read,
 * with internal details masked when asked.
 */
export function toolFailure(name: string, error: unknown, mask: boolean): ToolResult {
  if (error instanceof McpError) throw wireError(error);
  if (error instanceof ProxyError && error.code === ProxyErrorCode.NotFound) {
    throw protocolError(ErrorCode.InvalidParams, error.message);
  }
  let text: string;
  if (error instanceof ToolError || error instanceof ProxyError) text = error.message;
  else
    text = mask
      ? `Error calling tool ${name}`
      : `Error calling tool ${name}: ${errorMessage(error)}`;
  return { content: [{ type: 'text', text }], isError: true };
}

/**
 * What a failed resource read, template read, prompt render or completion becomes: a
 * JSON-RPC error. Protocol errors pass through; unknown things keep their codes.
 */
export function requestFailure(what: string, error: unknown, mask: boolean): McpError {
  if (error instanceof McpError) return wireError(error);
  if (error instanceof ProxyError) {
    if (error.code === ProxyErrorCode.NotFound || error.code === ProxyErrorCode.InvalidArguments) {
      return protocolError(ErrorCode.InvalidParams, error.message);
    }
    if (error.code === ProxyErrorCode.Unsupported)
      return protocolError(ErrorCode.MethodNotFound, error.message);
  }
  if (isClientFacing(error)) return protocolError(ErrorCode.InternalError, errorMessage(error));
  return protocolError(
    ErrorCode.InternalError,
    mask ? `Error ${what}` : `Error ${what}: ${errorMessage(error)}`,
  );
}
