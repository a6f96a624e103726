import type {
  CallToolResult,
  Tool as McpTool,
  ToolAnnotations,
} from '@modelcontextprotocol/sdk/types.js';
import type { Context } from '../context/context';
import { Component, type ComponentInit, commonWireFields } from './component';

/** A JSON Schema object describing tool input or output. */
export type JsonSchemaObject = {
  /** Always `object`: tool arguments and structured results are objects. */
  type: 'object';
  /** The schemas of the object's properties. */
  properties?: Record<string, unknown>;
  /** The names of the properties that must be present. */
  required?: string[];
} & Record<string, unknown>;

/** What a tool run returns: the MCP `CallToolResult` (content, `structuredContent`, `_meta`, `isError`). */
export type ToolResult = CallToolResult;

/** Fields of a tool, given when it is made. */
export interface ToolInit extends ComponentInit {
  /** The tool's name, unique within a server. */
  name: string;
  /** The JSON Schema of its arguments. @default { type: 'object' } */
  inputSchema?: JsonSchemaObject;
  /** The JSON Schema of its `structuredContent`, if it has one. */
  outputSchema?: JsonSchemaObject;
  /** Hints about the tool's behaviour. */
  annotations?: ToolAnnotations;
  /** Execution properties (task support), serialised verbatim. */
  execution?: McpTool['execution'];
}

/**
 * A tool: a name, schemas, and a way to run it. Subclasses implement {@link Tool.run};
 * `defineTool` makes one from a zod schema and a function.
 */
export abstract class Tool extends Component {
  /** Always `'tool'`. */
  readonly kind = 'tool' as const;
  /** The tool's name. */
  readonly name: string;
  /** The JSON Schema of its arguments. */
  readonly inputSchema: JsonSchemaObject;
  /** The JSON Schema of its `structuredContent`. */
  readonly outputSchema: JsonSchemaObject | undefined;
  /** Hints about its behaviour. */
  readonly annotations: ToolAnnotations | undefined;
  /** Execution properties. */
  readonly execution: McpTool['execution'] | undefined;

  /** @param init - the tool's fields */
  constructor(init: ToolInit) {
    super(init);
    this.name = init.name;
    this.inputSchema = init.inputSchema ?? { type: 'object' };
    this.outputSchema = init.outputSchema;
    this.annotations = init.annotations;
    this.execution = init.execution;
  }

  /** The tool's name. */
  get key(): string {
    return this.name;
  }

  /**
   * Runs the tool. Throw a `ToolError` to report a failure as an `isError` result.
   * @param args - the arguments the client sent
   * @param context - the current request's context (also available from `currentContext()`)
   */
  abstract run(args: Record<string, unknown>, context?: Context): Promise<ToolResult>;

  /** A copy under another name. */
  withName(name: string): this {
    return this.copy({ name } as Partial<this>);
  }

  /** The MCP wire form, as listed by `tools/list`. */
  toWire(): McpTool {
    const wire: Record<string, unknown> = { name: this.name };
    commonWireFields(this, wire);
    wire.inputSchema = this.inputSchema;
    if (this.outputSchema !== undefined) wire.outputSchema = this.outputSchema;
    if (this.annotations !== undefined) wire.annotations = this.annotations;
    if (this.execution !== undefined) wire.execution = this.execution;
    return wire as McpTool;
  }
}
