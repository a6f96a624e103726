import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { ProxyError, ProxyErrorCode } from '@org/transports';
import { PromptError, ResourceError, ToolError } from '../components/errors';
import type { ToolResult } from '../components/tool';

/** The JSON-RPC error code MCP uses for an unknown resource. */
export const RESOURCE_NOT_FOUND = -32002;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Whether an error's message was written for the client (and so is never masked). */
function isClientFacing(error: unknown): boolean {
  return error instanceof ToolError || error instanceof ResourceError || error instanceof PromptError || error instanceof ProxyError;
}

/**
 * What a failed tool call becomes. A protocol error from a backend passes through with its
 * code; an unknown tool is -32602; anything else is an `isError` result the model can read,
 * with internal details masked when asked.
 */
export function toolFailure(name: string, error: unknown, mask: boolean): ToolResult {
  if (error instanceof McpError) throw error;
  if (error instanceof ProxyError && error.code === ProxyErrorCode.NotFound) {
    throw new McpError(ErrorCode.InvalidParams, error.message);
  }
  let text: string;
  if (error instanceof ToolError || error instanceof ProxyError) text = error.message;
  else text = mask ? `Error calling tool ${name}` : `Error calling tool ${name}: ${messageOf(error)}`;
  return { content: [{ type: 'text', text }], isError: true };
}

/**
 * What a failed resource read, template read, prompt render or completion becomes: a
 * JSON-RPC error. Protocol errors pass through; unknown things keep their codes.
 */
export function requestFailure(what: string, error: unknown, mask: boolean): McpError {
  if (error instanceof McpError) return error;
  if (error instanceof ProxyError) {
    if (error.code === ProxyErrorCode.NotFound || error.code === ProxyErrorCode.InvalidArguments) {
      return new McpError(ErrorCode.InvalidParams, error.message);
    }
    if (error.code === ProxyErrorCode.Unsupported) return new McpError(ErrorCode.MethodNotFound, error.message);
  }
  if (isClientFacing(error)) return new McpError(ErrorCode.InternalError, messageOf(error));
  return new McpError(ErrorCode.InternalError, mask ? `Error ${what}` : `Error ${what}: ${messageOf(error)}`);
}
