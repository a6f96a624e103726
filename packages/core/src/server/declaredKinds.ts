import type { ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';

/**
 * The kinds of component a `ProviderServer` announces at initialize even while none of its
 * providers serves one (its `declare` option). A declared kind is
 * announced with `listChanged`, so `list_changed` notifications reach the session when a
 * component of that kind is added later.
 */
export interface DeclaredKinds {
  /** Announce `tools` (with `listChanged`). */
  tools?: boolean;
  /** Announce `resources` (with `listChanged` and `subscribe`) and `completions`. */
  resources?: boolean;
  /** Announce `prompts` (with `listChanged`) and `completions`. */
  prompts?: boolean;
}

/** Every kind: what a purely local server declares by default. @internal */
export const ALL_KINDS: Readonly<DeclaredKinds> = Object.freeze({
  tools: true,
  resources: true,
  prompts: true,
});

/**
 * The capabilities declared kinds stand for: what a `LocalProvider` holding components of
 * those kinds announces.
 * @internal
 */
export function capabilitiesOfKinds(kinds: DeclaredKinds): ServerCapabilities {
  const capabilities: ServerCapabilities = {};
  if (kinds.tools) capabilities.tools = { listChanged: true };
  if (kinds.resources) capabilities.resources = { listChanged: true, subscribe: true };
  if (kinds.prompts) capabilities.prompts = { listChanged: true };
  if (kinds.resources || kinds.prompts) capabilities.completions = {};
  return capabilities;
}
