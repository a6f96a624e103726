import type { CompletionRequest, CompletionResult } from '@org/core';
import type { ProxyClient } from '@org/proxy-client';

/**
 * Returns the backend client an operation should use: the same one every time (one shared
 * backend session), a fresh copy per operation, or the client of the current client session.
 * The strategies of `createProxy` are such factories.
 */
export type ClientFactory = () => ProxyClient | Promise<ProxyClient>;

/** The span attribute naming the provider type, as FastMCP names it. */
export const SPAN_PROVIDER_TYPE = 'fastmcp.provider.type';

/** Asks the backend to complete an argument of the prompt or template `ref` names. */
export async function completeOnBackend(
  clientFactory: ClientFactory,
  ref: { type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string },
  request: CompletionRequest,
): Promise<CompletionResult> {
  const client = await clientFactory();
  const result = await client.complete({
    ref,
    argument: request.argument,
    ...(request.arguments ? { context: { arguments: request.arguments } } : {}),
  });
  return result.completion;
}
