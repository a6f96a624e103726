/**
 * The fields of a backend's wire object (a tool, resource, template or prompt) that the proxy
 * component does not model: fields of a newer protocol revision, or a server's own extensions.
 * They are listed to clients as the backend gave them, so nothing is lost in the proxy.
 * @internal
 */
export function wireExtras(
  item: object,
  known: readonly string[],
): Readonly<Record<string, unknown>> {
  const extras: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    if (!known.includes(key) && value !== undefined) extras[key] = value;
  }
  return Object.freeze(extras);
}
