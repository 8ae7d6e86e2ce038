import type { z } from 'zod';
import { ApiError } from './errors.js';

/**
 * Parses input with a zod schema; the first problem becomes 400 `invalid_request` naming the
 * field. zod's messages describe the expectation, never the submitted value.
 */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.map(String).join('.') || 'body';
  const expectation = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : `is not valid: ${issue.message.replace(/^Invalid input: /, '')}`;
  throw new ApiError('invalid_request', `The field "${field}" ${expectation}.`, { field });
}
