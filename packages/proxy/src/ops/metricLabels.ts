/**
 * The label values metrics may carry: each from a bounded set, so that a client (which picks
 * method names, tool names and session ids) cannot grow the number of series without end.
 */

/** The MCP request methods a proxy serves or sends; any other method is counted as `other`. */
export const KNOWN_METHODS: ReadonlySet<string> = new Set([
  'initialize',
  'ping',
  'tools/list',
  'tools/call',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'resources/subscribe',
  'resources/unsubscribe',
  'prompts/list',
  'prompts/get',
  'completion/complete',
  'logging/setLevel',
]);

/** The list kinds of the list cache; any other kind is counted as `other`. */
export const KNOWN_LIST_KINDS: ReadonlySet<string> = new Set([
  'tools',
  'resources',
  'templates',
  'prompts',
]);

/** `value` when it is one of `known`, else `other`. @internal */
export function bounded(value: string, known: ReadonlySet<string>): string {
  return known.has(value) ? value : 'other';
}

/**
 * A backend's name as a label: one of the proxy's backends (named by its config), `other` for
 * a name the proxy does not know (a client passed in as the target, under another name).
 * @internal
 */
export function backendLabel(name: string | undefined, backends: () => Iterable<string>): string {
  if (name === undefined || name === '') return '';
  for (const known of backends()) if (known === name) return name;
  return 'other';
}
