import type { GetPromptResult, Prompt as McpPrompt } from '@modelcontextprotocol/sdk/types.js';
import {
  type CompletionRequest,
  type CompletionResult,
  Prompt,
  type SpanAttributes,
} from '@org/core';
import { type ClientFactory, completeOnBackend, SPAN_PROVIDER_TYPE } from './clientFactory';

/**
 * A prompt rendered by a backend. It keeps every field of the backend's prompt that the SDK
 * reads (name, title, description, icons, `_meta`, arguments) and the backend's own name across
 * renames. Results pass through unchanged.
 */
export class ProxyPrompt extends Prompt {
  /** The prompt's name on the backend. */
  readonly backendName: string;
  /** Where the backend client comes from. */
  readonly clientFactory: ClientFactory;

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
  }

  /** Makes a proxy prompt from the backend's wire prompt. */
  static fromMcpPrompt(clientFactory: ClientFactory, prompt: McpPrompt): ProxyPrompt {
    return new ProxyPrompt(clientFactory, prompt);
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
