// The admin API (API.md, Moderation: admin rows; Forum) as the admin page uses it.
import type { AdminUsersFilter, ForumAnswers, ForumPatchInput, ModerationAnswers, newForumBody, Role, roleBody } from '../../shared/schemas/index.js';
import { api, type BodyOf } from './api.js';

const enc = encodeURIComponent;

export const adminApi = {
  users: (f: AdminUsersFilter, cursor?: string | null) => {
    const q = new URLSearchParams();
    if (f.query) q.set('query', f.query);
    if (f.role) q.set('role', f.role);
    if (f.banned) q.set('banned', f.banned);
    if (cursor) q.set('cursor', cursor);
    q.set('limit', '20');
    return api.get<ModerationAnswers['adminUsers']>(`/api/admin/users?${q.toString()}`);
  },
  setRole: async (userId: string, role: Role) => (await api.post<ModerationAnswers['role'], BodyOf<typeof roleBody>>(`/api/admin/users/${enc(userId)}/role`, { role })).user,
  forums: async () => (await api.get<ForumAnswers['forums']>('/api/forums')).items,
  createForum: async (body: BodyOf<typeof newForumBody>) => (await api.post<ForumAnswers['forum'], BodyOf<typeof newForumBody>>('/api/forums', body)).forum,
  updateForum: async (forumId: string, patch: ForumPatchInput) => (await api.patch<ForumAnswers['forum'], ForumPatchInput>(`/api/forums/${enc(forumId)}`, patch)).forum,
};
