// The audit log's action names (API.md, Moderation). A plain list, free of zod, so the browser's
// filter menu can read it without pulling the schemas into the bundle.
export const AUDIT_ACTIONS = [
  'post.remove', 'post.restore', 'post.purge', 'post.approve', 'flag.dismiss', 'user.ban', 'user.unban',
  'user.remove_posts', 'thread.lock', 'thread.unlock', 'thread.remove', 'thread.restore', 'thread.purge', 'user.role',
  'forum.create', 'forum.update',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
