import type { ProviderTransform } from './providerTransform';

/** How one tool is exposed by {@link toolOverrides}. */
export interface ToolOverride {
  /** The exposed name. */
  name?: string;
  /** The exposed title. */
  title?: string;
  /** The exposed description. */
  description?: string;
  /** Replaces the tool's tags. */
  tags?: string[];
  /** `false` hides the tool. @default true */
  enabled?: boolean;
}

/**
 * Renames, re-describes, re-tags or hides tools, by their name in the wrapped provider.
 * A renamed tool is no longer found under its old name.
 *
 * @example
 * ```ts
 * transformProvider(provider, toolOverrides({ get_forecast: { name: 'forecast', description: 'Weather' } }));
 * ```
 */
export function toolOverrides(overrides: Record<string, ToolOverride>): ProviderTransform {
  const exposedToInner = new Map<string, string>();
  for (const [inner, override] of Object.entries(overrides)) {
    if (override.enabled === false) continue;
    const exposed = override.name ?? inner;
    const clash = exposedToInner.get(exposed);
    if (clash !== undefined) {
      throw new TypeError(`Tool overrides expose two tools as ${exposed}: ${clash} and ${inner}`);
    }
    exposedToInner.set(exposed, inner);
  }
  return {
    name: 'toolOverrides',
    tool: (tool) => {
      const override = overrides[tool.name];
      if (!override) return exposedToInner.has(tool.name) ? undefined : tool;
      if (override.enabled === false) return undefined;
      const patch: Record<string, unknown> = {};
      if (override.name !== undefined) patch.name = override.name;
      if (override.title !== undefined) patch.title = override.title;
      if (override.description !== undefined) patch.description = override.description;
      if (override.tags !== undefined) patch.tags = override.tags;
      return Object.keys(patch).length > 0 ? tool.copy(patch as Partial<typeof tool>) : tool;
    },
    toolKey: (name) => {
      const inner = exposedToInner.get(name);
      if (inner !== undefined) return inner;
      return overrides[name] ? undefined : name;
    },
  };
}
