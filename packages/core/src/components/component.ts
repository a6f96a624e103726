import type { Icon } from '@modelcontextprotocol/sdk/types.js';

/** The four kinds of component a server serves. */
export type ComponentKind = 'tool' | 'resource' | 'template' | 'prompt';

/** Span attribute values, as OpenTelemetry accepts them. */
export type SpanAttributes = Record<string, string | number | boolean>;

/** Fields every component has, given when it is made. */
export interface ComponentInit {
  /** A human-readable title. */
  title?: string;
  /** What the component is for. */
  description?: string;
  /** Icons a client may show. */
  icons?: Icon[];
  /** The component's `_meta`, serialised verbatim. */
  meta?: Record<string, unknown>;
  /** Tags used by filters (include/exclude). */
  tags?: Iterable<string>;
  /**
   * Whether the component stands for a name its provider did not list (a proxy passing an
   * unknown name to its backend). Never listed; a listed component of any provider wins over it.
   * @default false
   */
  unlisted?: boolean;
}

/** The `_meta` key under which tags travel (the convention FastMCP servers use). */
export const TAGS_META_KEY = 'fastmcp';

/** Reads tags from a wire `_meta` (`_meta.fastmcp.tags`, or the legacy `_meta._fastmcp.tags`). */
export function tagsFromMeta(meta: Record<string, unknown> | undefined): string[] {
  for (const key of [TAGS_META_KEY, `_${TAGS_META_KEY}`]) {
    const section = meta?.[key];
    if (
      section &&
      typeof section === 'object' &&
      Array.isArray((section as { tags?: unknown }).tags)
    ) {
      return (section as { tags: unknown[] }).tags.filter(
        (t): t is string => typeof t === 'string',
      );
    }
  }
  return [];
}

/**
 * What tools, resources, templates and prompts share: title, description, icons, `_meta` and
 * tags. Components are immutable (every field is `readonly`); {@link Component.copy} returns a changed copy of the same
 * class, carrying every field, a subclass's own included.
 */
export abstract class Component {
  /** Which kind of component this is. */
  abstract readonly kind: ComponentKind;
  /** A human-readable title. */
  readonly title: string | undefined;
  /** What the component is for. */
  readonly description: string | undefined;
  /** Icons a client may show. */
  readonly icons: Icon[] | undefined;
  /**
   * The component's `_meta`, as given. The wire form (`toWire()`) carries the current
   * {@link Component.tags} in it, wherever they differ from the tags this `_meta` holds.
   */
  readonly meta: Record<string, unknown> | undefined;
  /** The component's tags. */
  readonly tags: readonly string[];
  /** Whether the component stands for a name its provider did not list (see `ComponentInit.unlisted`). */
  readonly unlisted: boolean;

  /** @param init - the common fields */
  constructor(init: ComponentInit) {
    this.title = init.title;
    this.description = init.description;
    this.icons = init.icons;
    this.meta = init.meta;
    this.tags = Object.freeze([...new Set(init.tags ?? tagsFromMeta(init.meta))]);
    this.unlisted = init.unlisted ?? false;
  }

  /** The component's identity: a tool's or prompt's name, a resource's URI, a template's URI template. */
  abstract get key(): string;

  /**
   * A copy with some fields replaced. Every own field is carried over, so a subclass's extra
   * fields survive; subclasses adjust identity-related fields in {@link Component.copied}.
   * The copy is made without running a constructor, so state held in `#private` fields does
   * not reach it: keep what a copy needs in ordinary `readonly` (or `protected`) fields.
   */
  copy(patch: Partial<Record<string, unknown>> & Partial<this>): this {
    const next = Object.create(Object.getPrototypeOf(this)) as this;
    Object.assign(next, this, patch);
    if (patch.tags)
      Object.assign(next, { tags: Object.freeze([...new Set(patch.tags as Iterable<string>)]) });
    next.copied(this);
    return next;
  }

  /**
   * Called on a fresh copy with the original, before the copy is returned: the place to keep
   * track of an original identity across renames.
   */
  protected copied(_original: this): void {}

  /** Attributes describing the component on telemetry spans. */
  getSpanAttributes(): SpanAttributes {
    return { 'mcp.component.kind': this.kind, 'mcp.component.key': this.key };
  }

  /** Whether the component has any of `tags`. */
  hasAnyTag(tags: Iterable<string>): boolean {
    for (const tag of tags) if (this.tags.includes(tag)) return true;
    return false;
  }
}

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((tag) => set.has(tag));
}

/** Sets the tags of one `_meta` section to `tags`, dropping the section when nothing is left. */
function retagSection(meta: Record<string, unknown>, key: string, tags: readonly string[]): void {
  const section = meta[key];
  const { tags: _old, ...rest } =
    section && typeof section === 'object' ? (section as Record<string, unknown>) : {};
  if (tags.length > 0) meta[key] = { ...rest, tags: [...tags].sort() };
  else if (Object.keys(rest).length > 0) meta[key] = rest;
  else delete meta[key];
}

/** `meta` with its tags sections set to `tags`: the current key always, the legacy one if present. */
function retaggedMeta(
  meta: Record<string, unknown> | undefined,
  tags: readonly string[],
): Record<string, unknown> | undefined {
  const next: Record<string, unknown> = { ...meta };
  retagSection(next, TAGS_META_KEY, tags);
  // The legacy section is rewritten too, so that no reader of either key sees stale tags.
  const legacy = next[`_${TAGS_META_KEY}`];
  if (legacy && typeof legacy === 'object' && 'tags' in legacy) {
    retagSection(next, `_${TAGS_META_KEY}`, tags);
  }
  return Object.keys(next).length > 0 ? next : undefined;
}

/**
 * The `_meta` a component is sent with: its `meta` as it is when that already holds the
 * component's tags (so a proxied component's `_meta` passes through untouched), or with its
 * tags sections rewritten to the current tags (after a `copy({ tags })`, such as a tool
 * override re-tagging a tool).
 * @internal
 */
export function wireMeta(component: Component): Record<string, unknown> | undefined {
  const { meta, tags } = component;
  if (meta === undefined && tags.length === 0) return undefined;
  if (sameTags(tagsFromMeta(meta), tags)) return meta;
  return retaggedMeta(meta, tags);
}

/**
 * Copies the optional common wire fields of a component into `target`. The `_meta` carries
 * the component's current tags: it is the component's own when that already holds them, else
 * a copy with its tags sections rewritten.
 */
export function commonWireFields(component: Component, target: Record<string, unknown>): void {
  if (component.title !== undefined) target.title = component.title;
  if (component.description !== undefined) target.description = component.description;
  if (component.icons !== undefined) target.icons = component.icons;
  const meta = wireMeta(component);
  if (meta !== undefined) target._meta = meta;
}

/** Merges tags into a `_meta` the way {@link tagsFromMeta} reads them, for local components. */
export function metaWithTags(
  meta: Record<string, unknown> | undefined,
  tags: Iterable<string> | undefined,
): Record<string, unknown> | undefined {
  const list = [...new Set(tags ?? [])].sort();
  if (list.length === 0) return meta;
  const section = (meta?.[TAGS_META_KEY] as Record<string, unknown> | undefined) ?? {};
  return { ...meta, [TAGS_META_KEY]: { ...section, tags: list } };
}
