/** A parsed policy target: a server glob and what of it. */
export interface PolicyTarget {
  /** The server name, or a glob of server names. */
  server: string;
  /** `all`: everything the server serves; `name`: tools and prompts; `uri`: resources and templates. */
  kind: 'all' | 'name' | 'uri';
  /** The glob, for `name` and `uri`. */
  pattern?: RegExp;
}

/** A glob with `*` (any run of characters) as an anchored regular expression. */
export function globPattern(glob: string): RegExp {
  const escaped = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, 's');
}

/**
 * Parses `server`, `server/*`, `server/<name glob>` or `server/uri:<uri glob>`; `undefined`
 * when the text is none of them.
 */
export function parseTarget(text: string): PolicyTarget | undefined {
  const slash = text.indexOf('/');
  const server = slash === -1 ? text : text.slice(0, slash);
  if (server === '') return undefined;
  if (slash === -1) return { server, kind: 'all' };
  const rest = text.slice(slash + 1);
  if (rest === '') return undefined;
  if (rest === '*') return { server, kind: 'all' };
  if (rest.startsWith('uri:')) {
    const uri = rest.slice(4);
    return uri === '' ? undefined : { server, kind: 'uri', pattern: globPattern(uri) };
  }
  return { server, kind: 'name', pattern: globPattern(rest) };
}

/** Whether `target` covers the server named `server`. */
export function coversServer(target: PolicyTarget, server: string): boolean {
  return target.server.includes('*')
    ? globPattern(target.server).test(server)
    : target.server === server;
}
