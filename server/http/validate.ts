import type { z } from 'zod';
import { ApiError } from './errors.js';

type Issue = z.core.$ZodIssue;

const missing = (issue: Issue) => issue.code === 'invalid_type' && issue.input === undefined;

/**
 * One problem in words a form can show under its field: "Needs at least 10 characters." Built
 * from the schema's expectation (our schemas word theirs as "expected …"), never from the value.
 */
function inPlainWords(issue: Issue): string {
  if (missing(issue)) return 'This is required.';
  if (issue.code === 'invalid_type') return 'This is not the right kind of value.';
  const said = issue.message.replace(/^Invalid input: /, '');
  const expected = /^expected (.+)$/i.exec(said);
  const sentence = expected ? `Needs ${expected[1]}` : said.charAt(0).toUpperCase() + said.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

/**
 * Parses input with a zod schema. A refusal is 400 `invalid_request` whose message and
 * `details.field` name the first problem, and whose `details.fields` has every field's first
 * problem in plain words, so a form can show them all at once. zod's messages describe the
 * expectation, never the submitted value.
 */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const pathOf = (issue: Issue) => issue.path.map(String).join('.') || 'body';
  const fields: Record<string, string> = {};
  for (const issue of r.error.issues) fields[pathOf(issue)] ??= inPlainWords(issue);
  const issue = r.error.issues[0]!;
  const field = pathOf(issue);
  const expectation = missing(issue) ? 'is required' : `is not valid: ${issue.message.replace(/^Invalid input: /, '')}`;
  throw new ApiError('invalid_request', `The field "${field}" ${expectation}.`, { field, fields });
}
