/**
 * `Basic <base64>` for an OAuth client authenticating with `client_secret_basic` (RFC 6749
 * §2.3.1: id and secret form-encoded before joining).
 */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const joined = `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`;
  return `Basic ${Buffer.from(joined).toString('base64')}`;
}

/** Drops the oldest entries of `map` (insertion order) until it has room for one more under `max`. */
export function makeRoom<K, V>(map: Map<K, V>, max: number): void {
  while (map.size >= max) {
    const oldest = map.keys().next().value;
    if (oldest === undefined) return;
    map.delete(oldest);
  }
}
