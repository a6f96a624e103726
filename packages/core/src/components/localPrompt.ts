import type { PromptMessage } from '@modelcontextprotocol/sdk/types.js';
import { ProxyError, ProxyErrorCode } from '@org/transports';
import type { z } from 'zod';
import type { Context } from '../context/context';
import { currentContext } from '../context/storage';
import {
  type Completer,
  type CompletionRequest,
  type CompletionResult,
  completionFromValues,
} from './completion';
import { metaWithTags } from './component';
import { Prompt, type PromptInit, type PromptResult } from './prompt';
import { describeIssues } from './zodSchemas';

/** What a local prompt's renderer may return. */
export type PromptReturn = string | PromptMessage[] | PromptResult;

/** How to define a local prompt with {@link definePrompt}. */
export interface PromptDefinition<TArgs extends z.ZodObject = z.ZodObject>
  extends Omit<PromptInit, 'arguments'> {
  /** A zod object of string arguments; optional fields become optional prompt arguments. */
  args?: TArgs;
  /** Suggests values for arguments, by argument name. */
  complete?: Record<string, Completer>;
  /** Renders the prompt: a string (one user message), messages, or a full result. */
  render: (
    args: z.infer<TArgs>,
    context: Context | undefined,
  ) => PromptReturn | Promise<PromptReturn>;
}

function argumentsOf(schema: z.ZodObject | undefined): PromptInit['arguments'] {
  if (!schema) return undefined;
  return Object.entries(schema.shape).map(([name, field]) => {
    const zodField = field as z.ZodType & { description?: string };
    const argument: { name: string; description?: string; required: boolean } = {
      name,
      required: !zodField.safeParse(undefined).success,
    };
    if (zodField.description) argument.description = zodField.description;
    return argument;
  });
}

/** A prompt defined in-process by a function. */
export class LocalPrompt extends Prompt {
  /** The schema of the arguments. */
  protected readonly argsZod: z.ZodObject | undefined;
  /** Completers by argument name. */
  protected readonly completers: Record<string, Completer>;
  /** The function rendering the prompt. */
  protected readonly renderer: PromptDefinition['render'];

  /** @param definition - metadata, argument schema and renderer */
  constructor(definition: PromptDefinition) {
    const { args, render, complete, ...init } = definition;
    super({ ...init, meta: metaWithTags(init.meta, init.tags), arguments: argumentsOf(args) });
    this.argsZod = args;
    this.completers = complete ?? {};
    this.renderer = render;
  }

  /** Validates the arguments, runs the renderer and shapes its result. */
  async render(args: Record<string, string>, context?: Context): Promise<PromptResult> {
    let parsed: Record<string, unknown> = args;
    if (this.argsZod) {
      const check = this.argsZod.safeParse(args);
      if (!check.success) {
        throw new ProxyError(
          ProxyErrorCode.InvalidArguments,
          `Invalid arguments for prompt ${this.name}: ${describeIssues(check.error)}`,
        );
      }
      parsed = check.data;
    }
    const value = await this.renderer(parsed as never, context ?? currentContext());
    if (typeof value === 'string') {
      return { messages: [{ role: 'user', content: { type: 'text', text: value } }] };
    }
    if (Array.isArray(value)) return { messages: value };
    return value;
  }

  /** Suggests values with the completer registered for the argument, if any. */
  override async complete(request: CompletionRequest): Promise<CompletionResult> {
    const completer = this.completers[request.argument.name];
    if (!completer) return { values: [] };
    return completionFromValues(await completer(request.argument.value, request));
  }
}

/**
 * Defines a prompt from a function.
 *
 * @example
 * ```ts
 * const greet = definePrompt({
 *   name: 'greet',
 *   args: z.object({ name: z.string() }),
 *   render: ({ name }) => `Say hello to ${name}`,
 * });
 * ```
 */
export function definePrompt<TArgs extends z.ZodObject = z.ZodObject>(
  definition: PromptDefinition<TArgs>,
): LocalPrompt {
  return new LocalPrompt(definition as unknown as PromptDefinition);
}
