export const rooms = {
  thread: (id: string) => `thread:${id}`,
  /** Moderators watching a thread: they get held posts and full removal details. */
  threadMods: (id: string) => `thread-mods:${id}`,
  /** One signed-in user watching a thread: an author gets their own held post. */
  threadUser: (id: string, userId: string) => `thread-user:${id}:${userId}`,
  forum: (id: string) => `forum:${id}`,
  user: (id: string) => `user:${id}`,
  session: (sid: string) => `sess:${sid}`,
  mods: 'mods',
} as const;
