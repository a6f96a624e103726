import type { ProviderTransform } from './providerTransform';

const URI_PATTERN = /^([^:/?#]+:\/\/)(.*)$/s;

/** The exposed form of a name under a namespace: `ns_name`. */
export function namespaceName(namespace: string, name: string): string {
  return `${namespace}_${name}`;
}

/** The name under a namespace, or `undefined` when `name` is not in it. */
export function unnamespaceName(namespace: string, name: string): string | undefined {
  const prefix = `${namespace}_`;
  return name.startsWith(prefix) && name.length > prefix.length
    ? name.slice(prefix.length)
    : undefined;
}

/**
 * The exposed form of a URI (or URI template) under a namespace: `scheme://ns/rest`. A URI
 * without `scheme://` is left as it is.
 */
export function namespaceUri(namespace: string, uri: string): string {
  const match = URI_PATTERN.exec(uri);
  return match ? `${match[1]}${namespace}/${match[2]}` : uri;
}

/**
 * The URI under a namespace, or `undefined` when `uri` has a scheme but is not in it. A URI
 * without `scheme://` is returned as it is (it was never namespaced).
 */
export function unnamespaceUri(namespace: string, uri: string): string | undefined {
  const match = URI_PATTERN.exec(uri);
  if (!match) return uri;
  const prefix = `${namespace}/`;
  const rest = match[2]!;
  return rest.startsWith(prefix) ? `${match[1]}${rest.slice(prefix.length)}` : undefined;
}

/**
 * Puts a provider's components under a namespace: tools and prompts become `ns_name`,
 * resources and templates `scheme://ns/rest`. Lookups reverse it.
 *
 * @example
 * ```ts
 * server.addProvider(transformProvider(weatherProvider, namespace('weather')));
 * // tool `forecast` is listed as `weather_forecast`, `data://today` as `data://weather/today`
 * ```
 */
export function namespace(ns: string): ProviderTransform {
  if (!/^[A-Za-z0-9_-]+$/.test(ns)) {
    throw new TypeError(`A namespace may hold only letters, digits, _ and -: ${ns}`);
  }
  return {
    name: `namespace(${ns})`,
    tool: (tool) => tool.withName(namespaceName(ns, tool.name)),
    toolKey: (name) => unnamespaceName(ns, name),
    prompt: (prompt) => prompt.withName(namespaceName(ns, prompt.name)),
    promptKey: (name) => unnamespaceName(ns, name),
    resource: (resource) => resource.withUri(namespaceUri(ns, resource.uri)),
    resourceKey: (uri) => unnamespaceUri(ns, uri),
    template: (template) => template.withUriTemplate(namespaceUri(ns, template.uriTemplate)),
    templateKey: (uri) => unnamespaceUri(ns, uri),
    uri: (uri) => namespaceUri(ns, uri),
  };
}
