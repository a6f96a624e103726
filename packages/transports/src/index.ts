/**
 * @packageDocumentation
 * Everything exported here is public API of `@org/transports`.
 */

/** The version of this package. */
export const VERSION = '0.0.0';
