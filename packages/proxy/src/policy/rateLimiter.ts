import type { Principal } from '@org/core';
import { targetCovers } from './accessPolicy';
import { coversServer, type PolicyTarget, parseTarget } from './policyTargets';
import type { PrincipalMatch, RateLimitConfig } from './policyTypes';
import { principalMatches } from './principalMatch';

/** At most this many buckets are kept; the least recently used is dropped first. */
const MAX_BUCKETS = 10_000;

interface Limit {
  index: number;
  match: PrincipalMatch | undefined;
  tools: PolicyTarget[];
  capacity: number;
  refillPerSecond: number;
  perTool: boolean;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** A refused call: how long until the fullest refusing bucket has a token again. */
export interface RateLimitRefusal {
  /** Milliseconds until a call may succeed. */
  retryAfterMs: number;
  /** The limit that refused it. */
  limit: Pick<RateLimitConfig, 'capacity' | 'refillPerSecond'>;
}

/**
 * Token buckets per caller and per tool (or per rule), from a config's `policy.rateLimits`. A
 * bucket starts full, loses a token per call and regains `refillPerSecond`; a call goes ahead
 * only when every limit that applies to it has a token, and then takes one from each. Buckets
 * are bounded in number (the least recently used is forgotten: it starts full again).
 */
export class RateLimiter {
  readonly #limits: Limit[];
  readonly #buckets = new Map<string, Bucket>();
  readonly #now: () => number;

  /**
   * @param limits - the `policy.rateLimits` entries
   * @param now - the clock, in milliseconds (tests may pass their own)
   */
  constructor(
    limits: readonly RateLimitConfig[] = [],
    now: () => number = () => performance.now(),
  ) {
    this.#limits = limits.map((limit, index) => ({
      index,
      match: limit.match,
      tools: limit.tools.map((text) => parseTarget(text)).filter((t): t is PolicyTarget => !!t),
      capacity: limit.capacity,
      refillPerSecond: limit.refillPerSecond,
      perTool: (limit.per ?? 'tool') === 'tool',
    }));
    this.#now = now;
  }

  /** Whether any limit may apply to tools of `server`. */
  limits(server: string): boolean {
    return this.#limits.some((limit) => limit.tools.some((target) => coversServer(target, server)));
  }

  /**
   * Takes a token for a call of `tool` of `server` by `principal`: `undefined` when the call may
   * go ahead, else when it may be tried again.
   */
  take(
    server: string,
    tool: string,
    principal: Principal | undefined,
  ): RateLimitRefusal | undefined {
    const now = this.#now();
    const applying: Array<{ key: string; bucket: Bucket }> = [];
    let refusal: RateLimitRefusal | undefined;
    for (const limit of this.#limits) {
      if (!limit.tools.some((target) => targetCovers(target, server, 'tool', tool))) continue;
      if (!principalMatches(limit.match, principal)) continue;
      const key = `${limit.index}\u0000${principal?.subject ?? ''}\u0000${limit.perTool ? `${server}/${tool}` : ''}`;
      const bucket = this.#bucket(key, limit, now);
      if (bucket.tokens < 1) {
        const retryAfterMs = Math.ceil(((1 - bucket.tokens) / limit.refillPerSecond) * 1000);
        if (!refusal || retryAfterMs > refusal.retryAfterMs) {
          refusal = {
            retryAfterMs,
            limit: { capacity: limit.capacity, refillPerSecond: limit.refillPerSecond },
          };
        }
      }
      applying.push({ key, bucket });
    }
    if (refusal) return refusal;
    for (const { bucket } of applying) bucket.tokens -= 1;
    return undefined;
  }

  /** The bucket under `key`, refilled up to now (and marked most recently used). */
  #bucket(key: string, limit: Limit, now: number): Bucket {
    let bucket = this.#buckets.get(key);
    if (bucket) {
      this.#buckets.delete(key);
      const gained = ((now - bucket.at) / 1000) * limit.refillPerSecond;
      bucket = { tokens: Math.min(limit.capacity, bucket.tokens + gained), at: now };
    } else bucket = { tokens: limit.capacity, at: now };
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > MAX_BUCKETS) {
      const oldest = this.#buckets.keys().next().value;
      if (oldest !== undefined) this.#buckets.delete(oldest);
    }
    return bucket;
  }
}
