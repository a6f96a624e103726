import { namespaceUri, type ProviderTransform, unnamespaceUri } from '@org/core';
import { composedName, MAX_TOOL_NAME_LENGTH } from './toolNames';

/**
 * A namespace whose tool and prompt names always satisfy `^[a-zA-Z0-9_-]{1,64}$`
 * (see {@link composedName}); resources and templates get `scheme://ns/rest`. Names that had to
 * be cleaned or shortened are found again through the names this transform has handed out.
 */
export function boundedNamespace(ns: string, maxLength = MAX_TOOL_NAME_LENGTH): ProviderTransform {
  const tools = new Map<string, string>();
  const prompts = new Map<string, string>();
  const prefix = `${ns}_`;
  const reverse = (names: Map<string, string>, exposed: string) => {
    const known = names.get(exposed);
    if (known !== undefined) return known;
    return exposed.startsWith(prefix) && exposed.length > prefix.length
      ? exposed.slice(prefix.length)
      : undefined;
  };
  return {
    name: `boundedNamespace(${ns})`,
    tool: (tool) => {
      const exposed = composedName(ns, tool.name, maxLength);
      tools.set(exposed, tool.name);
      return tool.withName(exposed);
    },
    toolKey: (name) => reverse(tools, name),
    prompt: (prompt) => {
      const exposed = composedName(ns, prompt.name, maxLength);
      prompts.set(exposed, prompt.name);
      return prompt.withName(exposed);
    },
    promptKey: (name) => reverse(prompts, name),
    resource: (resource) => resource.withUri(namespaceUri(ns, resource.uri)),
    resourceKey: (uri) => unnamespaceUri(ns, uri),
    template: (template) => template.withUriTemplate(namespaceUri(ns, template.uriTemplate)),
    templateKey: (uri) => unnamespaceUri(ns, uri),
    uri: (uri) => namespaceUri(ns, uri),
  };
}
