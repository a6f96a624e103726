import { z } from 'zod';
import type {
  DisabledServerConfig,
  McpConfig,
  OAuthConfig,
  RemoteServerConfig,
  StdioServerConfig,
  TokenExchangeConfig,
  ToolOverrideConfig,
} from './types';

const NON_EMPTY = 'expected a non-empty string';
const HTTP_URL = 'expected an http(s) URL';

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

const nonEmptyString = z
  .string({ error: NON_EMPTY })
  .refine((text) => text.trim() !== '', { error: NON_EMPTY });
const stringList = z.array(z.string(), { error: 'expected an array of strings' });
const stringMap = z.record(z.string(), z.string(), { error: 'expected an object of strings' });

const toolOverrideSchema: z.ZodType<ToolOverrideConfig> = z.looseObject(
  {
    name: nonEmptyString.optional(),
    description: z.string().optional(),
    tags: stringList.optional(),
    enabled: z.boolean().optional(),
  },
  { error: 'expected an object' },
);

/** Proxy options shared by both kinds of entry (FastMCP's names). */
const commonFields = {
  include_tags: stringList.optional(),
  exclude_tags: stringList.optional(),
  tools: z
    .record(z.string(), toolOverrideSchema, { error: 'expected an object of tool overrides' })
    .optional(),
  disabled: z.boolean().optional(),
  required: z.boolean().optional(),
  description: z.string().optional(),
};

/** A stdio server entry. `url` is refused so that the entry kinds never overlap. */
export const stdioServerSchema: z.ZodType<StdioServerConfig> = z.looseObject(
  {
    ...commonFields,
    command: nonEmptyString,
    args: stringList.optional(),
    env: stringMap.optional(),
    cwd: nonEmptyString.optional(),
    type: z.literal('stdio').optional(),
    transport: z.literal('stdio').optional(),
    keepAlive: z.boolean().optional(),
    keep_alive: z.boolean().optional(),
    stderr: z.enum(['inherit', 'pipe', 'ignore']).optional(),
    url: z.never({ error: 'not allowed together with command' }).optional(),
  },
  { error: 'expected an object' },
);

const httpKind = z.enum(['http', 'streamable-http', 'sse']);

const tokenExchangeSchema: z.ZodType<TokenExchangeConfig> = z.looseObject(
  {
    token_endpoint: z.string({ error: HTTP_URL }).refine(isHttpUrl, { error: HTTP_URL }),
    client_id: nonEmptyString,
    client_secret: nonEmptyString,
    resource: z.string({ error: HTTP_URL }).refine(isHttpUrl, { error: HTTP_URL }).optional(),
    audience: nonEmptyString.optional(),
    scope: nonEmptyString.optional(),
  },
  { error: 'expected an object' },
);

function isHttpsUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' && url.pathname !== '/';
  } catch {
    return false;
  }
}

const oauthSchema: z.ZodType<OAuthConfig> = z
  .strictObject(
    {
      client_id: nonEmptyString.optional(),
      client_secret: nonEmptyString.optional(),
      client_metadata_url: z
        .string({ error: 'expected an https URL with a path' })
        .refine(isHttpsUrl, { error: 'expected an https URL with a path' })
        .optional(),
      scopes: z
        .array(
          nonEmptyString.refine((scope) => !/\s/.test(scope), {
            error: 'expected one scope without spaces',
          }),
          { error: 'expected an array of strings' },
        )
        .optional(),
      redirect_port: z
        .number({ error: 'expected a port number' })
        .int({ error: 'expected a port number' })
        .min(1, { error: 'expected a port from 1 to 65535' })
        .max(65535, { error: 'expected a port from 1 to 65535' })
        .optional(),
      token_store: nonEmptyString.optional(),
    },
    // Only a wrong type is "expected an object": unknown keys keep their own message.
    { error: (issue) => (issue.code === 'invalid_type' ? 'expected an object' : undefined) },
  )
  .refine((block) => block.client_secret === undefined || block.client_id !== undefined, {
    error: 'client_secret needs client_id',
    path: ['client_secret'],
  });

function hasAuthorizationHeader(headers: Record<string, string> | undefined): boolean {
  return Object.keys(headers ?? {}).some((name) => name.toLowerCase() === 'authorization');
}

/** A remote server entry. `command` is refused so that the entry kinds never overlap. */
export const remoteServerSchema: z.ZodType<RemoteServerConfig> = z
  .looseObject(
    {
      ...commonFields,
      url: z.string({ error: HTTP_URL }).refine(isHttpUrl, { error: HTTP_URL }),
      transport: httpKind.optional(),
      type: httpKind.optional(),
      headers: stringMap.optional(),
      auth: z
        .string({ error: 'expected a bearer token string' })
        .refine((token) => token !== '', { error: 'expected a non-empty bearer token' })
        .optional(),
      token_exchange: tokenExchangeSchema.optional(),
      oauth: oauthSchema.optional(),
      command: z.never({ error: 'not allowed together with url' }).optional(),
    },
    { error: 'expected an object' },
  )
  .refine(
    (entry) => !(entry.token_exchange && entry.auth !== undefined && entry.auth !== 'oauth'),
    {
      error: "token_exchange cannot be combined with auth: the token is each caller's",
      path: ['token_exchange'],
    },
  )
  .refine(
    (entry) =>
      !(entry.oauth && entry.auth !== undefined && entry.auth !== 'oauth') &&
      !(entry.oauth && entry.token_exchange),
    {
      error: 'oauth cannot be combined with auth or token_exchange: each gives the token',
      path: ['oauth'],
    },
  )
  .refine(
    (entry) => !((entry.oauth || entry.auth === 'oauth') && hasAuthorizationHeader(entry.headers)),
    {
      error: "an authorization header cannot be combined with oauth: the token is the grant's",
      path: ['headers'],
    },
  )
  .refine((entry) => !(entry.auth === 'oauth' && entry.token_exchange), {
    error: 'auth "oauth" cannot be combined with token_exchange: each gives the token',
    path: ['auth'],
  });

const disabledServerSchema: z.ZodType<DisabledServerConfig> = z.looseObject({
  disabled: z.literal(true),
});

/**
 * The zod schema of a validated config: `{ mcpServers: { <name>: entry } }`, unknown keys kept
 * at the top level and in every entry. It checks an already normalised config only: it neither
 * accepts VS Code's `servers` nor a bare server map, nor expands `${VAR}`, nor refuses an empty
 * config. Use {@link parseMcpConfig} to read a config, and this schema to embed the config in a
 * larger zod schema or to re-check one built by hand.
 */
export const mcpConfigSchema: z.ZodType<McpConfig> = z.looseObject({
  mcpServers: z.record(
    z.string(),
    z.union([disabledServerSchema, stdioServerSchema, remoteServerSchema]),
  ),
});

/** A JSON type name with its article, for messages: `a string`, `an array`, `null`. */
function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' || type === 'undefined' ? `an ${type}` : `a ${type}`;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  boolean: 'true or false',
  number: 'a number',
  array: 'an array',
  object: 'an object',
  record: 'an object',
};

/**
 * The zod error map used while parsing: a short lower-case message that never contains the
 * offending value (config values may be secrets).
 */
export function issueMessage(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      return `expected ${expected}, got ${describeType(issue.input)}`;
    }
    case 'invalid_value': {
      const values = issue.values.map((value) => JSON.stringify(value));
      const last = values.pop();
      return `expected ${values.length ? `${values.join(', ')} or ` : ''}${last}`;
    }
    case 'too_small':
      return issue.origin === 'string' ? NON_EMPTY : 'too few items';
    case 'unrecognized_keys': {
      // A key is named (keys are no secrets); only strict sections refuse unknown keys.
      const keys = issue.keys.map((key) => JSON.stringify(key)).join(', ');
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${keys}`;
    }
    default:
      return 'invalid value';
  }
}
