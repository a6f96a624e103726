import { type Context, requireContext } from '@org/proxy';

/** The context a handler was given, or the current one (a tool always runs inside a request). */
export function contextOf(context: Context | undefined, what: string): Context {
  return context ?? requireContext(what);
}
