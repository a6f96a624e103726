import { dirname, resolve } from 'node:path';
import {
  type ConfigIssue,
  configError,
  configIssueMessage,
  configSourceOf,
  type McpConfig,
} from '@org/transports';
import { z } from 'zod';
import { parseTarget } from './policyTargets';
import type { AccessPolicyConfig } from './policyTypes';

const NON_EMPTY = 'expected a non-empty string';
const nonEmpty = z.string().refine((text) => text.trim() !== '', { error: NON_EMPTY });
const strings = z.array(nonEmpty, { error: 'expected an array of strings' });
const scalar = z.union([z.string(), z.number(), z.boolean()], {
  error: 'expected a string, a number or true or false',
});

const targets = z.array(
  nonEmpty.refine((text) => parseTarget(text) !== undefined, {
    error: 'expected <server>, <server>/<name glob> or <server>/uri:<uri glob>',
  }),
  { error: 'expected an array of targets' },
);

const principalMatch = z.strictObject({
  subjects: strings.optional(),
  scopes: strings.optional(),
  claims: z.record(z.string(), z.union([scalar, z.array(scalar)])).optional(),
});

const rule = z.strictObject({
  match: principalMatch.optional(),
  allow: targets.optional(),
  deny: targets.optional(),
});

const positive = z
  .number({ error: 'expected a number' })
  .positive({ error: 'expected a number above 0' });

const rateLimit = z.strictObject({
  tools: targets.min(1, { error: 'expected at least one target' }),
  match: principalMatch.optional(),
  capacity: z
    .number({ error: 'expected a number' })
    .int({ error: 'expected a whole number' })
    .min(1, { error: 'expected at least 1' }),
  refillPerSecond: positive,
  per: z.enum(['tool', 'rule']).optional(),
});

const DIGEST = /^sha256:[0-9a-f]{64}$/;

const pinning = z.strictObject({
  action: z.enum(['withhold', 'warn']).optional(),
  file: nonEmpty.optional(),
  pins: z
    .record(
      z.string(),
      z
        .string()
        .refine((digest) => DIGEST.test(digest), { error: 'expected sha256:<64 hex digits>' }),
    )
    .superRefine((pins, context) => {
      for (const key of Object.keys(pins)) {
        if (!/^[^/]+\/.+$/.test(key)) {
          context.addIssue({ code: 'custom', path: [key], message: 'expected <server>/<tool>' });
        }
      }
    })
    .optional(),
});

/** The zod schema of a config's `policy` section (see {@link AccessPolicyConfig}). */
export const policySchema: z.ZodType<AccessPolicyConfig> = z.strictObject({
  default: z.enum(['allow', 'deny']).optional(),
  rules: z.array(rule, { error: 'expected an array of rules' }).optional(),
  rateLimits: z.array(rateLimit, { error: 'expected an array of rate limits' }).optional(),
  pinning: pinning.optional(),
});

/** Issues for targets naming a server the config does not have (a typo would grant nothing). */
function unknownServerIssues(
  policy: AccessPolicyConfig,
  servers: ReadonlySet<string>,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const check = (list: readonly string[] | undefined, path: PropertyKey[]): void => {
    list?.forEach((text, index) => {
      const target = parseTarget(text);
      if (target && !target.server.includes('*') && !servers.has(target.server)) {
        issues.push({ path: [...path, index], message: 'names no server of mcpServers' });
      }
    });
  };
  policy.rules?.forEach((entry, index) => {
    check(entry.allow, ['policy', 'rules', index, 'allow']);
    check(entry.deny, ['policy', 'rules', index, 'deny']);
  });
  policy.rateLimits?.forEach((entry, index) => {
    check(entry.tools, ['policy', 'rateLimits', index, 'tools']);
  });
  return issues;
}

/**
 * Reads the `policy` section of a parsed config, or `undefined` when there is none.
 * @throws a `ProxyError` (`InvalidConfig`) naming each field that is wrong, as
 *   `<source>: policy.rules[0].allow[1]: <what is wrong>`; values are never quoted.
 */
export function parsePolicy(config: McpConfig): AccessPolicyConfig | undefined {
  const raw = (config as Record<string, unknown>).policy;
  if (raw === undefined) return undefined;
  const source = configSourceOf(config) ?? 'config';
  const result = policySchema.safeParse(raw, { error: configIssueMessage });
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({
      path: ['policy', ...issue.path],
      message: issue.message,
    }));
    throw configError(source, issues);
  }
  const servers = new Set(Object.keys(config.mcpServers));
  const unknown = unknownServerIssues(result.data, servers);
  if (unknown.length > 0) throw configError(source, unknown);
  const policy = result.data;
  if (policy.pinning?.file !== undefined) {
    // A config read from a file is named after it; one built in code is named `config`.
    const base = configSourceOf(config);
    const dir = base === undefined || base === 'config' ? '.' : dirname(base);
    policy.pinning = { ...policy.pinning, file: resolve(dir, policy.pinning.file) };
  }
  return policy;
}
