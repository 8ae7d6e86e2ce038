// The /api/me and /api/testimonials shapes (server/account, server/testimonials) and their calls.
import type { PiiType } from '../../shared/pii/index.js';
import type { Role, User } from '../../shared/api.js';
import { api } from './api.js';

/** The user as they see themself on the account page: the API's `user` plus their address. */
export interface Me extends User {
  email: string;
}

export interface SessionInfo { id: string; createdAt: string | null; current: boolean }

export interface ExportPost {
  id: string;
  threadId: string;
  forumId: string;
  status: 'visible' | 'held' | 'removed';
  createdAt: string;
  editedAt: string | null;
  source: string | null;
  html: string | null;
  piiTypes: string[];
  heldReason: string | null;
  removal: { reason: string; at: string } | null;
}

export interface ExportThread { id: string; forumId: string; title: string; createdAt: string; locked: boolean }
export interface ExportFlag { id: string; postId: string; reason: string; createdAt: string; status: 'open' | 'dismissed' | 'actioned' }

export interface Consent { name: string; title: string; text: string; at: string }

export interface ExportData {
  exportedAt: string;
  user: { id: string; username: string; email: string; role: Role; createdAt: string; referralCode: string; ban: { reason: string; at: string; until: string | null } | null };
  posts: ExportPost[];
  threads: ExportThread[];
  flags: ExportFlag[];
  referrals: { signups: number };
  sessions: SessionInfo[];
  testimonials: { id: string; text: string; createdAt: string; updatedAt: string; consent: Consent | null; featured: boolean }[];
}

export type PostsChoice = 'remove' | 'anonymize';

export const accountApi = {
  me: async () => (await api.get<{ user: Me }>('/api/me')).user,
  exportData: () => api.get<ExportData>('/api/me/export'),
  sessions: async () => (await api.get<{ items: SessionInfo[] }>('/api/me/sessions')).items,
  signOutOthers: async () => (await api.del<{ ended: number }>('/api/me/sessions')).ended,
  changeEmail: async (currentPassword: string, email: string) => (await api.patch<{ user: Me }>('/api/me', { currentPassword, email })).user,
  changePassword: async (currentPassword: string, newPassword: string) => (await api.patch<{ user: Me }>('/api/me', { currentPassword, newPassword })).user,
  deleteAccount: (password: string, posts: PostsChoice) => api.del<void>('/api/me', { password, posts }),
};

export interface PublicTestimonial { id: string; text: string; name: string; title: string }

export interface OwnTestimonial {
  id: string;
  text: string;
  createdAt: string;
  updatedAt: string;
  consent: Consent | null;
  featured: boolean;
  published: boolean;
}

export interface ReviewTestimonial extends OwnTestimonial { authorId: string }

const enc = encodeURIComponent;

export const testimonialApi = {
  list: async () => (await api.get<{ items: PublicTestimonial[] }>('/api/testimonials')).items,
  mine: async () => (await api.get<{ items: OwnTestimonial[] }>('/api/testimonials/mine')).items,
  review: async () => (await api.get<{ items: ReviewTestimonial[] }>('/api/testimonials/review')).items,
  submit: async (text: string, acknowledgePii: PiiType[] = []) => (await api.post<{ testimonial: OwnTestimonial }>('/api/testimonials', { text, acknowledgePii })).testimonial,
  edit: async (id: string, text: string, acknowledgePii: PiiType[] = []) => (await api.patch<{ testimonial: OwnTestimonial }>(`/api/testimonials/${enc(id)}`, { text, acknowledgePii })).testimonial,
  consent: async (id: string, name: string, title: string, acknowledgePii: PiiType[] = []) => (await api.post<{ testimonial: OwnTestimonial }>(`/api/testimonials/${enc(id)}/consent`, { name, title, acknowledgePii })).testimonial,
  withdraw: async (id: string) => (await api.del<{ testimonial: OwnTestimonial }>(`/api/testimonials/${enc(id)}/consent`)).testimonial,
  remove: (id: string) => api.del<void>(`/api/testimonials/${enc(id)}`),
  feature: async (id: string, on: boolean) => (await api.post<{ testimonial: ReviewTestimonial }>(`/api/testimonials/${enc(id)}/${on ? 'feature' : 'unfeature'}`)).testimonial,
};

/** The state a member sees for their own testimonial. */
export function testimonialState(t: OwnTestimonial): 'draft' | 'consented' | 'published' {
  if (t.published) return 'published';
  return t.consent ? 'consented' : 'draft';
}
