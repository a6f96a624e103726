import type { GetPromptResult, Prompt as McpPrompt } from '@modelcontextprotocol/sdk/types.js';
import {
  type CompletionRequest,
  type CompletionResult,
  Prompt,
  type SpanAttributes,
} from '@org/core';
import { type ClientFactory, completeOnBackend, SPAN_PROVIDER_TYPE } from './clientFactory';
import { wireExtras } from './wireExtras';

/** The fields of a wire prompt that {@link ProxyPrompt} models. */
const PROMPT_FIELDS = ['name', 'title', 'description', 'icons', '_meta', 'arguments'] as const;

/**
 * A prompt rendered by a backend. It keeps every field of the backend's prompt (name, title,
 * description, icons, `_meta`, arguments, and those it does not model: they are listed as the
 * backend gave them) and the backend's own name across renames. Results pass through unchanged.
 */
export class ProxyPrompt extends Prompt {
  /** The prompt's name on the backend. */
  readonly backendName: string;
  /** Where the backend client comes from. */
  readonly clientFactory: ClientFactory;
  /** Fields of the backend's wire prompt that this class does not model, listed verbatim. */
  readonly wireExtras: Readonly<Record<string, unknown>>;

  /**
   * @param clientFactory - gives the backend client for each render
   * @param prompt - the backend's prompt, as `prompts/list` gave it
   */
  constructor(clientFactory: ClientFactory, prompt: McpPrompt) {
    super({
      name: prompt.name,
      title: prompt.title,
      description: prompt.description,
      icons: prompt.icons,
      meta: prompt._meta,
      ...(prompt.arguments ? { arguments: prompt.arguments } : {}),
    });
    this.backendName = prompt.name;
    this.clientFactory = clientFactory;
    this.wireExtras = wireExtras(prompt, PROMPT_FIELDS);
  }

  /** Makes a proxy prompt from the backend's wire prompt. */
  static fromMcpPrompt(clientFactory: ClientFactory, prompt: McpPrompt): ProxyPrompt {
    return new ProxyPrompt(clientFactory, prompt);
  }

  /** The wire form: the backend's unmodelled fields, then the modelled ones (which win). */
  override toWire(): McpPrompt {
    return { ...this.wireExtras, ...super.toWire() };
  }

  /** Renders the prompt on the backend, by its backend name. */
  async render(args: Record<string, string>): Promise<GetPromptResult> {
    const client = await this.clientFactory();
    return client.getPrompt(this.backendName, args);
  }

  /** Asks the backend to complete an argument. */
  override async complete(request: CompletionRequest): Promise<CompletionResult> {
    return completeOnBackend(
      this.clientFactory,
      { type: 'ref/prompt', name: this.backendName },
      request,
    );
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
