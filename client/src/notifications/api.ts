// The notification calls (API.md, Notifications). Types only from the shared schemas: importing
// their values would bundle zod into the web app.
import type {
  markReadBody, NotificationAnswers, Preferences, preferencesPatch, SubscriptionLevel, subscriptionBody, threadReadBody,
} from '../../../shared/schemas/notifications.js';
import { api, type BodyOf } from '../api.js';

const enc = encodeURIComponent;

export const notificationApi = {
  /** A page of the member's notifications, newest first, and how many are unread. */
  list: (opts: { unreadOnly?: boolean; cursor?: string | null; limit?: number } = {}) => {
    const q = new URLSearchParams();
    if (opts.unreadOnly) q.set('unread', '1');
    if (opts.cursor) q.set('cursor', opts.cursor);
    if (opts.limit) q.set('limit', String(opts.limit));
    const s = q.toString();
    return api.get<NotificationAnswers['page']>(`/api/notifications${s ? `?${s}` : ''}`);
  },
  markRead: async (which: string[] | 'all') =>
    (await api.post<NotificationAnswers['read'], BodyOf<typeof markReadBody>>('/api/notifications/read', which === 'all' ? { all: true } : { ids: which })).unreadCount,
  setSubscription: async (threadId: string, level: SubscriptionLevel) =>
    (await api.put<NotificationAnswers['subscription'], BodyOf<typeof subscriptionBody>>(`/api/threads/${enc(threadId)}/subscription`, { level })).level,
  /** The member has read the thread up to `seq` (204). */
  markThreadRead: (threadId: string, seq: number) => api.post<void, BodyOf<typeof threadReadBody>>(`/api/threads/${enc(threadId)}/read`, { seq }),
  preferences: async () => (await api.get<NotificationAnswers['preferences']>('/api/me/preferences')).preferences,
  savePreferences: async (p: Preferences) => (await api.patch<NotificationAnswers['preferences'], BodyOf<typeof preferencesPatch>>('/api/me/preferences', p)).preferences,
};
