import { createHash } from 'node:crypto';
import { currentContext } from '@org/core';

/** Digests of subjects already seen (the digest is asked for on every list lookup). */
const digests = new Map<string, string>();
const MAX_DIGESTS = 4096;

/**
 * `partition` prefixed with a digest of the current request's principal, when the front
 * authenticated one: a list fetched for one caller is never served to another, whatever the
 * cache scope. The digest is one-way, so the key may be logged or shared (Redis) safely.
 */
export function principalPartition(partition: string): string {
  const subject = currentContext()?.principal?.subject;
  if (subject === undefined) return partition;
  let digest = digests.get(subject);
  if (digest === undefined) {
    digest = createHash('sha256').update(subject).digest('base64url').slice(0, 22);
    if (digests.size >= MAX_DIGESTS) digests.clear();
    digests.set(subject, digest);
  }
  return `p:${digest}|${partition}`;
}
