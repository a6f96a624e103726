import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';

let shared: AjvJsonSchemaValidator | undefined;

/**
 * One JSON Schema validator for every SDK server and client the framework makes. The SDK gives
 * each `Server` and `Client` its own Ajv instance by default (about 18 KB of heap each); a
 * proxy makes two per client session, and compiles nothing with them on its own paths, so they
 * share this one.
 */
export function sharedJsonSchemaValidator(): AjvJsonSchemaValidator {
  shared ??= new AjvJsonSchemaValidator();
  return shared;
}
