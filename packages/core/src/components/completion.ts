import type { CompleteResult } from '@modelcontextprotocol/sdk/types.js';

/** What a completion request asks: the argument being typed and the others already filled. */
export interface CompletionRequest {
  /** The argument being completed and what has been typed so far. */
  argument: {
    /** The argument's name. */
    name: string;
    /** What has been typed so far. */
    value: string;
  };
  /** Arguments already given, by name. */
  arguments?: Record<string, string>;
}

/** Completion suggestions for one argument (the `completion` of an MCP `CompleteResult`). */
export type CompletionResult = CompleteResult['completion'];

/** A function suggesting values for an argument of a prompt or template. */
export type Completer = (value: string, request: CompletionRequest) => string[] | Promise<string[]>;

/** Turns a list of suggestions into a result, keeping at most 100 as MCP asks. */
export function completionFromValues(values: string[]): CompletionResult {
  return { values: values.slice(0, 100), total: values.length, hasMore: values.length > 100 };
}
