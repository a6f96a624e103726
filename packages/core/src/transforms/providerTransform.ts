import type { Prompt } from '../components/prompt';
import type { Resource } from '../components/resource';
import type { ResourceTemplate } from '../components/resourceTemplate';
import type { Tool } from '../components/tool';

/**
 * A change to how a provider's components are exposed. Each `tool`/`resource`/`template`/
 * `prompt` function maps a component on its way out (return `undefined` to hide it); each
 * `*Key` function maps a name or URI a client asked for back to the wrapped provider's (return
 * `undefined` when the request cannot be for this provider). Omitted functions leave things as
 * they are.
 */
export interface ProviderTransform {
  /** A name for messages. */
  readonly name: string;
  /** Maps a tool on its way out. */
  tool?(tool: Tool): Tool | undefined;
  /** Maps a requested tool name back. */
  toolKey?(name: string): string | undefined;
  /** Maps a resource on its way out. */
  resource?(resource: Resource): Resource | undefined;
  /** Maps a requested resource URI back. */
  resourceKey?(uri: string): string | undefined;
  /** Maps a resource template on its way out. */
  template?(template: ResourceTemplate): ResourceTemplate | undefined;
  /** Maps a requested URI back, to find the template matching it. */
  templateKey?(uri: string): string | undefined;
  /** Maps a prompt on its way out. */
  prompt?(prompt: Prompt): Prompt | undefined;
  /** Maps a requested prompt name back. */
  promptKey?(name: string): string | undefined;
  /** Maps a resource URI of the wrapped provider to the exposed one (for update events). */
  uri?(uri: string): string | undefined;
}
