import type { Principal } from '@org/core';
import { coversServer, type PolicyTarget, parseTarget } from './policyTargets';
import type { AccessPolicyConfig, PrincipalMatch } from './policyTypes';
import { principalMatches } from './principalMatch';

/** The kinds of component a policy decides on. */
export type PolicyComponentKind = 'tool' | 'prompt' | 'resource' | 'template';

interface Rule {
  match: PrincipalMatch | undefined;
  allow: PolicyTarget[];
  deny: PolicyTarget[];
}

function targets(list: readonly string[] | undefined): PolicyTarget[] {
  return (list ?? []).map((text) => parseTarget(text)).filter((t): t is PolicyTarget => !!t);
}

/** Whether `target` covers one component of `server`. */
export function targetCovers(
  target: PolicyTarget,
  server: string,
  kind: PolicyComponentKind,
  key: string,
): boolean {
  if (!coversServer(target, server)) return false;
  if (target.kind === 'all') return true;
  const byName = kind === 'tool' || kind === 'prompt';
  return (target.kind === 'name') === byName && !!target.pattern?.test(key);
}

/**
 * What one caller may see and call, as the rules that apply to it decide: a component is
 * visible when a rule allows it and none denies it, or, when no rule speaks of it, as the
 * policy's default says.
 */
export class Grants {
  readonly #rules: readonly Rule[];
  readonly #fallback: boolean;

  /** @internal */
  constructor(rules: readonly Rule[], fallback: boolean) {
    this.#rules = rules;
    this.#fallback = fallback;
  }

  /** Whether the component `key` (a name, a URI or a URI template) of `server` is visible. */
  allows(server: string, kind: PolicyComponentKind, key: string): boolean {
    let allowed = false;
    for (const rule of this.#rules) {
      if (rule.deny.some((t) => targetCovers(t, server, kind, key))) return false;
      allowed ||= rule.allow.some((t) => targetCovers(t, server, kind, key));
    }
    return allowed || this.#fallback;
  }

  /** Whether anything of `server` may be visible (its name may be shown in messages). */
  mayShowServer(server: string): boolean {
    if (this.#fallback) return true;
    return this.#rules.some((rule) => rule.allow.some((t) => coversServer(t, server)));
  }
}

/**
 * The visibility part of a config's `policy` section: rules mapping callers (by subject, scope
 * or claim) to the servers and components they may see and call. A component a caller may not
 * see is left out of its lists, and asking for it fails exactly as asking for one that does
 * not exist.
 */
export class AccessPolicy {
  /** The rules' count (0: everything is visible unless `default` is `deny`). */
  readonly ruleCount: number;
  readonly #rules: Rule[];
  readonly #fallback: boolean;
  readonly #open: Grants;

  /** @param config - the `policy` section */
  constructor(config: AccessPolicyConfig = {}) {
    this.#rules = (config.rules ?? []).map((rule) => ({
      match: rule.match,
      allow: targets(rule.allow),
      deny: targets(rule.deny),
    }));
    this.ruleCount = this.#rules.length;
    this.#fallback = (config.default ?? (this.#rules.length > 0 ? 'deny' : 'allow')) === 'allow';
    this.#open = new Grants([], true);
  }

  /** Whether the policy hides nothing from anyone. */
  get open(): boolean {
    return this.#rules.length === 0 && this.#fallback;
  }

  /** What `principal` (`undefined`: an unauthenticated caller) may see. */
  grantsFor(principal: Principal | undefined): Grants {
    if (this.open) return this.#open;
    const rules = this.#rules.filter((rule) => principalMatches(rule.match, principal));
    return new Grants(rules, this.#fallback);
  }
}
