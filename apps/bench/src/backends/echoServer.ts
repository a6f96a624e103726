import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv-provider.js';

/** The one tool of the echo backend. */
export const ECHO_TOOL: Tool = {
  name: 'echo',
  description: 'Returns its text argument',
  inputSchema: {
    type: 'object',
    properties: { text: { type: 'string' } },
    required: ['text'],
  },
};

/** The arguments every benchmark call sends. */
export const ECHO_ARGS = { text: 'hello' };

/**
 * One JSON Schema validator for every echo server of the process: by default each SDK `Server`
 * makes its own (an Ajv instance, about 18 KB of heap), which would count an in-process
 * backend's weight as the proxy's in the memory scenario.
 */
const sharedValidator = new AjvJsonSchemaValidator();

/**
 * A minimal MCP server with one `echo` tool, written with the SDK's low-level `Server` so that
 * the backend costs as little as possible and the proxy's own cost dominates the measurements.
 * An SDK `Server` connects once: make one per connection.
 */
export function createEchoServer(): Server {
  const server = new Server(
    { name: 'bench-echo', version: '1.0.0' },
    { capabilities: { tools: {} }, jsonSchemaValidator: sharedValidator },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [ECHO_TOOL] }));
  server.setRequestHandler(
    CallToolRequestSchema,
    (request): CallToolResult => ({
      content: [{ type: 'text', text: String(request.params.arguments?.text ?? '') }],
    }),
  );
  return server;
}
