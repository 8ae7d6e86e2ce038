export const rooms = {
  thread: (id: string) => `thread:${id}`,
  forum: (id: string) => `forum:${id}`,
  user: (id: string) => `user:${id}`,
  session: (sid: string) => `sess:${sid}`,
  mods: 'mods',
} as const;
