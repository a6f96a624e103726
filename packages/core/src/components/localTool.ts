import type { ContentBlock } from '@modelcontextprotocol/sdk/types.js';
import { ProxyError, ProxyErrorCode } from '@org/transports';
import type { z } from 'zod';
import type { Context } from '../context/context';
import { currentContext } from '../context/storage';
import { metaWithTags } from './component';
import { Tool, type ToolInit, type ToolResult } from './tool';
import { describeIssues, jsonSchemaOf } from './zodSchemas';

/** What a local tool's handler may return. */
export type ToolReturn =
  | ToolResult
  | string
  | ContentBlock[]
  | Record<string, unknown>
  | number
  | boolean
  | null
  | undefined;

/** How to define a local tool with {@link defineTool}. */
export interface ToolDefinition<
  TInput extends z.ZodObject = z.ZodObject,
  TOutput extends z.ZodObject | undefined = undefined,
> extends Omit<ToolInit, 'inputSchema' | 'outputSchema'> {
  /** The zod schema of the arguments; they are validated before the handler runs. */
  input?: TInput;
  /** The zod schema of the structured result; the handler's return value is validated against it. */
  output?: TOutput;
  /**
   * Does the work. Return a string (text), content blocks, a full `CallToolResult`, or (with an
   * `output` schema) the structured value. Throw a `ToolError` to report an `isError` result.
   */
  handler: (
    args: z.infer<TInput>,
    context: Context | undefined,
  ) =>
    | (TOutput extends z.ZodObject ? z.input<TOutput> : ToolReturn)
    | Promise<TOutput extends z.ZodObject ? z.input<TOutput> : ToolReturn>;
}

function isContentBlock(value: unknown): value is ContentBlock {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string'
  );
}

function isToolResult(value: unknown): value is ToolResult {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { content?: unknown }).content) &&
    (value as { content: unknown[] }).content.every(isContentBlock)
  );
}

/** Turns what a handler returned into a `CallToolResult`. */
export function toToolResult(value: unknown): ToolResult {
  if (isToolResult(value)) return value;
  if (typeof value === 'string') return { content: [{ type: 'text', text: value }] };
  if (Array.isArray(value) && value.every(isContentBlock)) return { content: value };
  if (value === undefined) return { content: [] };
  const text = JSON.stringify(value);
  const result: ToolResult = { content: [{ type: 'text', text }] };
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    result.structuredContent = value as Record<string, unknown>;
  }
  return result;
}

/** A tool defined in-process from zod schemas and a function. */
export class LocalTool extends Tool {
  /** The zod schema of the arguments. */
  protected readonly inputZod: z.ZodObject | undefined;
  /** The zod schema of the structured result. */
  protected readonly outputZod: z.ZodObject | undefined;
  /** The function doing the work. */
  protected readonly handler: ToolDefinition['handler'];

  /** @param definition - schemas, metadata and handler */
  constructor(definition: ToolDefinition<z.ZodObject, z.ZodObject | undefined>) {
    const { input, output, handler, ...init } = definition;
    super({
      ...init,
      meta: metaWithTags(init.meta, init.tags),
      inputSchema: input ? jsonSchemaOf(input, 'input') : { type: 'object', properties: {} },
      ...(output ? { outputSchema: jsonSchemaOf(output, 'output') } : {}),
    });
    this.inputZod = input;
    this.outputZod = output;
    this.handler = handler as ToolDefinition['handler'];
  }

  /** Validates the arguments, runs the handler and shapes its result. */
  async run(args: Record<string, unknown>, context?: Context): Promise<ToolResult> {
    let parsed: Record<string, unknown> = args;
    if (this.inputZod) {
      const check = this.inputZod.safeParse(args);
      if (!check.success) {
        throw new ProxyError(
          ProxyErrorCode.InvalidArguments,
          `Invalid arguments for tool ${this.name}: ${describeIssues(check.error)}`,
        );
      }
      parsed = check.data;
    }
    const value = await this.handler(parsed as never, context ?? currentContext());
    if (!this.outputZod) return toToolResult(value);
    if (isToolResult(value)) return value;
    const check = this.outputZod.safeParse(value);
    if (!check.success) {
      throw new Error(
        `Tool ${this.name} returned a result that does not match its output schema: ${describeIssues(check.error)}`,
      );
    }
    return {
      content: [{ type: 'text', text: JSON.stringify(check.data) }],
      structuredContent: check.data,
    };
  }
}

/**
 * Defines a tool from zod schemas and a handler.
 *
 * @example
 * ```ts
 * const add = defineTool({
 *   name: 'add',
 *   description: 'Adds two numbers',
 *   input: z.object({ a: z.number(), b: z.number() }),
 *   output: z.object({ sum: z.number() }),
 *   handler: ({ a, b }) => ({ sum: a + b }),
 * });
 * ```
 */
export function defineTool<
  TInput extends z.ZodObject = z.ZodObject,
  TOutput extends z.ZodObject | undefined = undefined,
>(definition: ToolDefinition<TInput, TOutput>): LocalTool {
  return new LocalTool(
    definition as unknown as ToolDefinition<z.ZodObject, z.ZodObject | undefined>,
  );
}
