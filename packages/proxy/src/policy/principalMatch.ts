import type { Principal } from '@org/core';
import type { PrincipalMatch } from './policyTypes';

type Scalar = string | number | boolean;

function claimHolds(claim: unknown, wanted: Scalar | Scalar[]): boolean {
  const values = Array.isArray(wanted) ? wanted : [wanted];
  if (Array.isArray(claim)) return values.some((value) => claim.includes(value));
  return values.some((value) => claim === value);
}

/**
 * Whether `principal` is one `match` applies to: every condition given holds. An empty or
 * absent match applies to every caller; any condition fails for an unauthenticated one.
 */
export function principalMatches(
  match: PrincipalMatch | undefined,
  principal: Principal | undefined,
): boolean {
  if (!match) return true;
  const { subjects, scopes, claims } = match;
  if (!subjects && !scopes && !claims) return true;
  if (!principal) return false;
  if (subjects && !subjects.includes(principal.subject)) return false;
  if (scopes && !scopes.every((scope) => principal.scopes.includes(scope))) return false;
  if (claims) {
    const held = principal.claims ?? {};
    for (const [name, wanted] of Object.entries(claims)) {
      if (!claimHolds(held[name], wanted)) return false;
    }
  }
  return true;
}
