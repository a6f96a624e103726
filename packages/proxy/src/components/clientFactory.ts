import type { ProxyClient } from '@org/proxy-client';

/**
 * Returns the backend client an operation should use: the same one every time (one shared
 * backend session), a fresh copy per operation, or the client of the current client session.
 * The strategies of `createProxy` are such factories.
 */
export type ClientFactory = () => ProxyClient | Promise<ProxyClient>;

/** The span attribute naming the provider type, as FastMCP names it. */
export const SPAN_PROVIDER_TYPE = 'fastmcp.provider.type';
