import type { z } from 'zod';
import { pageQuery } from '../../shared/schemas/index.js';
import { ApiError } from './errors.js';
import { parse } from './validate.js';

export interface PageParams<C> { cursor: C | null; limit: number }

/** `?cursor=&limit=` (limit 1–100, default 50); cursors are opaque base64url JSON. */
export function pageParams<C>(query: unknown, cursorSchema: z.ZodType<C>): PageParams<C> {
  const q = parse(pageQuery, query);
  if (!q.cursor) return { cursor: null, limit: q.limit };
  try {
    const decoded = JSON.parse(Buffer.from(q.cursor, 'base64url').toString('utf8')) as unknown;
    return { cursor: cursorSchema.parse(decoded), limit: q.limit };
  } catch {
    throw new ApiError('invalid_request', 'The field "cursor" is not valid.', { field: 'cursor' });
  }
}

export const encodeCursor = (c: unknown): string => Buffer.from(JSON.stringify(c)).toString('base64url');
