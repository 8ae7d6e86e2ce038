// The /api/me and /api/testimonials calls (server/account, server/testimonials); their shapes are the shared schemas'.
import type { PiiType } from '../../shared/pii/index.js';
import type {
  AccountAnswers, accountPatchBody, consentBody, deleteAccountBody, OwnTestimonial, PostsChoice, TestimonialAnswers, testimonialTextBody,
} from '../../shared/schemas/index.js';
import { api, type BodyOf } from './api.js';

type MePatch = BodyOf<typeof accountPatchBody>;
type TextBody = BodyOf<typeof testimonialTextBody>;

export const accountApi = {
  me: async () => (await api.get<AccountAnswers['me']>('/api/me')).user,
  exportData: () => api.get<AccountAnswers['export']>('/api/me/export'),
  sessions: async () => (await api.get<AccountAnswers['sessions']>('/api/me/sessions')).items,
  signOutOthers: async () => (await api.del<AccountAnswers['signedOutOthers']>('/api/me/sessions')).ended,
  /** The answer whole: without a mail server it names the outbox where the verification link is. */
  changeEmail: (currentPassword: string, email: string) => api.patch<AccountAnswers['me'], MePatch>('/api/me', { currentPassword, email }),
  changePassword: async (currentPassword: string, newPassword: string) => (await api.patch<AccountAnswers['me'], MePatch>('/api/me', { currentPassword, newPassword })).user,
  deleteAccount: (password: string, posts: PostsChoice) => api.del<void, BodyOf<typeof deleteAccountBody>>('/api/me', { password, posts }),
  /** The bio needs no password; `acknowledgePii`: the personal-data types the member accepted. */
  setBio: async (bio: string, acknowledgePii: PiiType[] = []) => (await api.patch<AccountAnswers['me'], MePatch>('/api/me', { bio, acknowledgePii })).user,
};

const enc = encodeURIComponent;

export const testimonialApi = {
  list: async () => (await api.get<TestimonialAnswers['list']>('/api/testimonials')).items,
  mine: async () => (await api.get<TestimonialAnswers['mine']>('/api/testimonials/mine')).items,
  review: async () => (await api.get<TestimonialAnswers['review']>('/api/testimonials/review')).items,
  submit: async (text: string, acknowledgePii: PiiType[] = []) => (await api.post<TestimonialAnswers['own'], TextBody>('/api/testimonials', { text, acknowledgePii })).testimonial,
  edit: async (id: string, text: string, acknowledgePii: PiiType[] = []) => (await api.patch<TestimonialAnswers['own'], TextBody>(`/api/testimonials/${enc(id)}`, { text, acknowledgePii })).testimonial,
  consent: async (id: string, name: string, title: string, acknowledgePii: PiiType[] = []) => (await api.post<TestimonialAnswers['own'], BodyOf<typeof consentBody>>(`/api/testimonials/${enc(id)}/consent`, { name, title, acknowledgePii })).testimonial,
  withdraw: async (id: string) => (await api.del<TestimonialAnswers['own']>(`/api/testimonials/${enc(id)}/consent`)).testimonial,
  remove: (id: string) => api.del<void>(`/api/testimonials/${enc(id)}`),
  feature: async (id: string, on: boolean) => (await api.post<TestimonialAnswers['reviewed']>(`/api/testimonials/${enc(id)}/${on ? 'feature' : 'unfeature'}`)).testimonial,
};

/** The state a member sees for their own testimonial. */
export function testimonialState(t: OwnTestimonial): 'draft' | 'consented' | 'published' {
  if (t.published) return 'published';
  return t.consent ? 'consented' : 'draft';
}
