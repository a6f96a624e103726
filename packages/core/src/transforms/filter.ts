import type { Component } from '../components/component';
import type { ProviderTransform } from './providerTransform';

/** Which components a {@link filter} lets through. */
export interface FilterOptions {
  /** Only components with at least one of these tags (when non-empty). */
  includeTags?: Iterable<string>;
  /** No component with any of these tags. */
  excludeTags?: Iterable<string>;
  /** Only components with these names or URIs (when non-empty). */
  includeNames?: Iterable<string>;
  /** No component with these names or URIs. */
  excludeNames?: Iterable<string>;
}

/**
 * Hides components by tags and by names (or URIs). Exclusion wins over inclusion.
 *
 * @example
 * ```ts
 * transformProvider(provider, filter({ includeTags: ['public'], excludeNames: ['delete_all'] }));
 * ```
 */
export function filter(options: FilterOptions): ProviderTransform {
  const includeTags = [...(options.includeTags ?? [])];
  const excludeTags = [...(options.excludeTags ?? [])];
  const includeNames = new Set(options.includeNames ?? []);
  const excludeNames = new Set(options.excludeNames ?? []);
  const visible = <T extends Component>(component: T): T | undefined => {
    if (excludeNames.has(component.key) || component.hasAnyTag(excludeTags)) return undefined;
    if (includeNames.size > 0 && !includeNames.has(component.key)) return undefined;
    if (includeTags.length > 0 && !component.hasAnyTag(includeTags)) return undefined;
    return component;
  };
  return { name: 'filter', tool: visible, resource: visible, template: visible, prompt: visible };
}
