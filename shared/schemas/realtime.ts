// What a browser may send over the socket (API.md, Realtime: client → server); the events the
// server sends are typed in ../events.ts.
import { z } from 'zod';

export const watchThreadPayload = z.object({ threadId: z.string().max(64), since: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional() });
export const threadRefPayload = z.object({ threadId: z.string().max(64) });
export const forumRefPayload = z.object({ forumId: z.string().max(64) });

export type WatchThreadPayload = z.input<typeof watchThreadPayload>;
export type ThreadRefPayload = z.input<typeof threadRefPayload>;
export type ForumRefPayload = z.input<typeof forumRefPayload>;
