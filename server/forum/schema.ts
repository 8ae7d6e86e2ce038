import { z } from 'zod';
import { PII_TYPES, type PiiType } from '../../shared/pii/index.js';

export const BODY_MAX = 20_000;
export const TITLE_MAX = 200;

const body = z.string().max(BODY_MAX, `expected at most ${BODY_MAX} characters`).refine((s) => s.trim().length > 0, 'expected some text');
export const acknowledgePii = z.array(z.enum(PII_TYPES as [PiiType, ...PiiType[]])).max(PII_TYPES.length * 2).default([]);

export const newForumBody = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,47}$/, 'expected 2–48 lowercase letters, digits or dashes'),
  title: z.string().trim().min(1).max(100),
  description: z.string().max(500).default(''),
});

export const newThreadBody = z.object({
  title: z.string().max(TITLE_MAX, `expected at most ${TITLE_MAX} characters`).refine((s) => s.trim().length > 0, 'expected a title'),
  body,
  acknowledgePii,
});

export const postBody = z.object({ body, acknowledgePii });
export const previewBody = z.object({ body });

export const threadCursor = z.object({ at: z.number().int(), id: z.string().max(32) });
export const postCursor = z.object({ o: z.number().int().min(0) });
