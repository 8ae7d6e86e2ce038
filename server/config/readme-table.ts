import { z } from 'zod';
import { envSchema } from './env.js';

/*
 * README's configuration table, written from the schema in ./env.ts. The JSON Schema form is read
 * rather than zod's internals: it is zod's documented way to describe a schema, and it carries
 * the `.meta()` descriptions along with types, bounds and defaults.
 */

export const TABLE_START = '<!-- config-table: written by `npm run docs:config` from server/config/env.ts; edit the descriptions there -->';
export const TABLE_END = '<!-- /config-table -->';

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
  format?: string;
  anyOf?: JsonSchema[];
  default?: unknown;
  description?: string;
  shownDefault?: string;
  defaultNote?: string;
}

const code = (v: unknown): string => `\`${String(v)}\``;

function accepted(s: JsonSchema): string {
  if (s.anyOf) return s.anyOf.map(accepted).join(' or ');
  if (s.const === '') return 'empty';
  if (s.enum) return s.enum.map(code).join(', ');
  if (s.type === 'integer') return `integer ${s.minimum ?? ''}–${s.maximum ?? ''}`;
  if (s.format === 'uri') return 'URL';
  if (s.pattern) return `matching ${code(s.pattern)}`;
  if (s.minLength !== undefined && s.minLength > 1) return `at least ${s.minLength} characters`;
  return 'text';
}

function shownDefault(s: JsonSchema): string {
  if (s.shownDefault !== undefined) return s.shownDefault;
  if (s.default === undefined) return 'unset';
  const value = s.default === '' ? 'empty' : code(s.default);
  return s.defaultNote ? `${value} (${s.defaultNote})` : value;
}

// A `|` inside a cell would end it, code span or not (GFM).
const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** The Markdown table, one row per variable in the schema's order. */
export function configTable(): string {
  const json = z.toJSONSchema(envSchema, { io: 'input' }) as { properties: Record<string, JsonSchema> };
  const rows = Object.entries(json.properties).map(([name, s]) => {
    if (!s.description) throw new Error(`${name} has no description in server/config/env.ts`);
    return `| ${[code(name), shownDefault(s), accepted(s), s.description].map(cell).join(' | ')} |`;
  });
  return ['| variable | default | accepts | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

function markers(readme: string): { start: number; end: number } {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md has no "${TABLE_START}" … "${TABLE_END}" block`);
  return { start: start + TABLE_START.length, end };
}

/** What README holds between the markers, without the surrounding blank lines. */
export function readmeConfigTable(readme: string): string {
  const { start, end } = markers(readme);
  return readme.slice(start, end).trim();
}

/** README with the generated table between the markers; everything else as it was. */
export function withConfigTable(readme: string): string {
  const { start, end } = markers(readme);
  return `${readme.slice(0, start)}\n${configTable()}\n${readme.slice(end)}`;
}
