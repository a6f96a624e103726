/**
 * @packageDocumentation
 * Everything exported here is public API of `@org/proxy`.
 */

/** The version of this package. */
export const VERSION = '0.0.0';
