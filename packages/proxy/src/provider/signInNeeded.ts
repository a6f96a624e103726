import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { ProxyError, ProxyErrorCode } from '@org/transports';

/**
 * Whether a backend request failed because someone must sign in to the backend first (no OAuth
 * grant, a refused one, a step-up), as `AUTHORIZATION_REQUIRED` or as a URL elicitation asked
 * for in band, itself or as the cause of a wrapping error.
 */
export function isSignInNeeded(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    if (current instanceof ProxyError && current.code === ProxyErrorCode.AuthorizationRequired) {
      return true;
    }
    if (current instanceof McpError && current.code === ErrorCode.UrlElicitationRequired) {
      return true;
    }
    current = current.cause;
  }
  return false;
}
