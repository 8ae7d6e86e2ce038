// Profiles (API.md, Profiles): a member's public page and their posts.
import { z } from 'zod';
import { isoTime, pageOf, roleSchema } from './common.js';
import { postSchema } from './forum.js';

/** At most 1,000 characters of plain text; scanned for personal data like a post. */
export const bioSchema = z.string().max(1000, 'expected at most 1000 characters');

/** What anyone may read about a member; `postCount` counts the posts everyone can see. */
export const profileSchema = z.strictObject({
  id: z.string(),
  username: z.string(),
  role: roleSchema,
  createdAt: isoTime,
  bio: z.string(),
  postCount: z.number().int().min(0),
});
export type Profile = z.infer<typeof profileSchema>;

export const profileAnswers = {
  profile: z.strictObject({ profile: profileSchema }),
  /** The member's posts the caller may see, newest first. */
  posts: pageOf(postSchema),
};
export type ProfileAnswers = { [K in keyof typeof profileAnswers]: z.infer<(typeof profileAnswers)[K]> };
