import {
  type ConfigIssue,
  configError,
  configIssueMessage,
  configSourceOf,
  type McpConfig,
  type OAuthFrontOptions,
} from '@org/transports';
import { z } from 'zod';

const HTTP_URL = 'expected an http(s) URL';
const httpUrl = z.string({ error: HTTP_URL }).refine(
  (text) => {
    try {
      const { protocol } = new URL(text);
      return protocol === 'http:' || protocol === 'https:';
    } catch {
      return false;
    }
  },
  { error: HTTP_URL },
);
const nonEmpty = z
  .string()
  .refine((text) => text.trim() !== '', { error: 'expected a non-empty string' });

/** `${VAR}` (or `${env:VAR}`): a secret of the section must come from the environment. */
const ENV_REFERENCE = /^\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** The `front.oauth` section as written in the config. */
export interface FrontOAuthConfig {
  /** The accepted authorization servers (issuer URLs). */
  issuers: string[];
  /** The public URL of this MCP endpoint: the audience its tokens must carry. */
  resource: string;
  /** Scopes every token must hold. */
  scopes?: string[] | string;
  /** The JWKS URL (else discovered from the first issuer). */
  jwks?: string;
  /** Check opaque tokens at this RFC 7662 endpoint instead of as JWTs. */
  introspection?: {
    /** The introspection endpoint. */
    endpoint: string;
    /** The proxy's client id at the authorization server, `${VAR}` allowed. */
    client_id: string;
    /** Its secret: a `${VAR}` reference only (never the secret itself in the file). */
    client_secret: string;
  };
}

const frontOAuth = z.strictObject({
  issuers: z.array(httpUrl, { error: 'expected an array of issuer URLs' }).min(1, {
    error: 'expected at least one issuer',
  }),
  resource: httpUrl,
  scopes: z
    .union([z.array(nonEmpty), nonEmpty], { error: 'expected a string or an array of strings' })
    .optional(),
  jwks: httpUrl.optional(),
  introspection: z
    .strictObject({
      endpoint: httpUrl,
      client_id: nonEmpty,
      client_secret: nonEmpty.refine((text) => ENV_REFERENCE.test(text), {
        error: `expected a $\{VAR} reference (the secret itself does not belong in the file)`,
      }),
    })
    .optional(),
});

const frontSchema = z.strictObject({ oauth: frontOAuth.optional() });

/** `${VAR}` replaced by the variable, or an issue at `path` when it is unset. */
function fromEnv(
  text: string,
  env: NodeJS.ProcessEnv,
  path: PropertyKey[],
  issues: ConfigIssue[],
): string {
  const reference = ENV_REFERENCE.exec(text);
  if (!reference) return text;
  const value = env[reference[1]!];
  if (!value) issues.push({ path, message: `environment variable ${reference[1]} is not set` });
  return value ?? '';
}

/**
 * The front's OAuth settings from a config's `front.oauth` section (the same as the
 * `--oauth-*` options), or `undefined` when the config has none.
 * @throws a `ProxyError` (`InvalidConfig`) naming each field that is wrong
 */
export function frontOAuthOf(
  config: McpConfig,
  env: NodeJS.ProcessEnv,
): OAuthFrontOptions | undefined {
  const raw = (config as Record<string, unknown>).front;
  if (raw === undefined) return undefined;
  const source = configSourceOf(config) ?? 'config';
  const result = frontSchema.safeParse(raw, { error: configIssueMessage });
  if (!result.success) {
    throw configError(
      source,
      result.error.issues.map((issue) => ({
        path: ['front', ...issue.path],
        message: issue.message,
      })),
    );
  }
  const section = result.data.oauth;
  if (!section) return undefined;
  if (section.jwks !== undefined && section.introspection !== undefined) {
    throw configError(source, [
      {
        path: ['front', 'oauth', 'introspection'],
        message: 'cannot be combined with jwks: tokens are checked one way',
      },
    ]);
  }
  const issues: ConfigIssue[] = [];
  const scopes = (Array.isArray(section.scopes) ? section.scopes : [section.scopes ?? ''])
    .flatMap((scope) => scope.split(/\s+/))
    .filter(Boolean);
  const options: OAuthFrontOptions = {
    resource: section.resource,
    authorizationServers: section.issuers,
    ...(scopes.length > 0 ? { scopes } : {}),
    ...(section.jwks !== undefined ? { jwksUri: section.jwks } : {}),
  };
  if (section.introspection) {
    const base = ['front', 'oauth', 'introspection'];
    options.introspection = {
      endpoint: section.introspection.endpoint,
      clientId: fromEnv(section.introspection.client_id, env, [...base, 'client_id'], issues),
      clientSecret: fromEnv(
        section.introspection.client_secret,
        env,
        [...base, 'client_secret'],
        issues,
      ),
    };
  }
  if (issues.length > 0) throw configError(source, issues);
  return options;
}
