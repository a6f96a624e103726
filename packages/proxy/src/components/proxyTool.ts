import type { Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import { type SpanAttributes, Tool, type ToolResult } from '@org/core';
import { type ClientFactory, SPAN_PROVIDER_TYPE } from './clientFactory';
import { wireExtras } from './wireExtras';

/** The fields of a wire tool that {@link ProxyTool} models. */
const TOOL_FIELDS = [
  'name',
  'title',
  'description',
  'icons',
  '_meta',
  'inputSchema',
  'outputSchema',
  'annotations',
  'execution',
] as const;

/**
 * A tool that runs on a backend. It keeps every field of the backend's tool (those it does not
 * model too: they are listed as the backend gave them), and the backend's own name across any
 * number of renames (namespacing, overrides), so a renamed proxy tool still calls the backend by
 * its real name. Results pass through unchanged, `isError` included.
 */
export class ProxyTool extends Tool {
  /** The tool's name on the backend. */
  readonly backendName: string;
  /** Where the backend client comes from. */
  readonly clientFactory: ClientFactory;
  /** Fields of the backend's wire tool that this class does not model, listed verbatim. */
  readonly wireExtras: Readonly<Record<string, unknown>>;

  /**
   * @param clientFactory - gives the backend client for each run
   * @param tool - the backend's tool, as `tools/list` gave it
   */
  constructor(clientFactory: ClientFactory, tool: McpTool) {
    super({
      name: tool.name,
      title: tool.title,
      description: tool.description,
      icons: tool.icons,
      meta: tool._meta,
      inputSchema: tool.inputSchema as ProxyTool['inputSchema'],
      ...(tool.outputSchema ? { outputSchema: tool.outputSchema as ProxyTool['inputSchema'] } : {}),
      annotations: tool.annotations,
      execution: tool.execution,
    });
    this.backendName = tool.name;
    this.clientFactory = clientFactory;
    this.wireExtras = wireExtras(tool, TOOL_FIELDS);
  }

  /** Makes a proxy tool from the backend's wire tool. */
  static fromMcpTool(clientFactory: ClientFactory, tool: McpTool): ProxyTool {
    return new ProxyTool(clientFactory, tool);
  }

  /** The wire form: the backend's unmodelled fields, then the modelled ones (which win). */
  override toWire(): McpTool {
    return { ...this.wireExtras, ...super.toWire() };
  }

  /** Calls the tool on the backend, by its backend name. */
  async run(args: Record<string, unknown>): Promise<ToolResult> {
    const client = await this.clientFactory();
    return client.callTool(this.backendName, args);
  }

  /** The component's own attributes, the provider type and the backend name (never unset). */
  override getSpanAttributes(): SpanAttributes {
    return {
      ...super.getSpanAttributes(),
      [SPAN_PROVIDER_TYPE]: 'ProxyProvider',
      'fastmcp.proxy.backend_name': this.backendName,
    };
  }
}
