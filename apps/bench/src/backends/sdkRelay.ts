import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  CallToolResultSchema,
  ListToolsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';

/**
 * The least a proxy built on the SDK can do, for reference: an SDK low-level `Server` whose
 * `tools/list` and `tools/call` handlers pass the request to a backend SDK `Client` and return
 * its answer. No lookup, no context, no cancellation or progress forwarding, no telemetry: what
 * remains is the cost of a second SDK client-server hop.
 */
export function createSdkRelay(backend: Client): Server {
  const server = new Server(
    { name: 'sdk-relay', version: '1.0.0' },
    { capabilities: { tools: {} } },
  );
  server.setRequestHandler(ListToolsRequestSchema, (request) => backend.listTools(request.params));
  server.setRequestHandler(CallToolRequestSchema, (request) =>
    backend.request({ method: 'tools/call', params: request.params }, CallToolResultSchema),
  );
  return server;
}
