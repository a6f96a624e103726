import type {
  GetPromptResult,
  Prompt as McpPrompt,
  PromptArgument,
} from '@modelcontextprotocol/sdk/types.js';
import type { Context } from '../context/context';
import type { CompletionRequest, CompletionResult } from './completion';
import { Component, type ComponentInit, commonWireFields } from './component';

/** What rendering a prompt returns: the MCP `GetPromptResult` (messages, description, `_meta`). */
export type PromptResult = GetPromptResult;

/** Fields of a prompt, given when it is made. */
export interface PromptInit extends ComponentInit {
  /** The prompt's name, unique within a server. */
  name: string;
  /** Its arguments. */
  arguments?: PromptArgument[];
}

/** A prompt: a name, arguments, and a way to render it. Subclasses implement {@link Prompt.render}. */
export abstract class Prompt extends Component {
  /** Always `'prompt'`. */
  readonly kind = 'prompt' as const;
  /** The prompt's name. */
  readonly name: string;
  /** Its arguments. */
  readonly arguments: PromptArgument[] | undefined;

  /** @param init - the prompt's fields */
  constructor(init: PromptInit) {
    super(init);
    this.name = init.name;
    this.arguments = init.arguments;
  }

  /** The prompt's name. */
  get key(): string {
    return this.name;
  }

  /**
   * Renders the prompt.
   * @param args - the arguments the client sent
   * @param context - the current request's context
   */
  abstract render(args: Record<string, string>, context?: Context): Promise<PromptResult>;

  /** Suggests values for an argument. The default suggests nothing. */
  async complete(_request: CompletionRequest, _context?: Context): Promise<CompletionResult> {
    return { values: [] };
  }

  /** A copy under another name. */
  withName(name: string): this {
    return this.copy({ name } as Partial<this>);
  }

  /** The MCP wire form, as listed by `prompts/list`. */
  toWire(): McpPrompt {
    const wire: Record<string, unknown> = { name: this.name };
    commonWireFields(this, wire);
    if (this.arguments !== undefined) wire.arguments = this.arguments;
    return wire as McpPrompt;
  }
}
