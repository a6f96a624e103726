import { z } from 'zod';
import type { JsonSchemaObject } from './tool';

/** The JSON Schema of a zod object schema, as MCP lists it. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchemaObject {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  if (json.type !== 'object') {
    throw new TypeError(`A tool schema must describe an object, got: ${String(json.type)}`);
  }
  return json as JsonSchemaObject;
}

/** One line per zod issue, each naming the path it is about: `a.b: expected number, received string`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
      return `${where}: ${issue.message.replace(/^Invalid input: /, '')}`;
    })
    .join('; ');
}
