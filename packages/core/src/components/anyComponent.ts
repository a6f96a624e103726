import type { Prompt } from './prompt';
import type { Resource } from './resource';
import type { ResourceTemplate } from './resourceTemplate';
import type { Tool } from './tool';

/** Any of the four kinds of component. */
export type AnyComponent = Tool | Resource | ResourceTemplate | Prompt;
