// The shared response schemas are what the browser's types are made of: these tests ask the real
// server (memory store) and parse its answers with them. The schemas are strict, so a view that
// adds, drops, renames or retypes a field fails here before the browser is surprised by it.
import type { z } from 'zod';
import { startAgora, type Running } from '../helpers/agora.js';
import { Client, signedIn } from '../helpers/http.js';
import {
  accountAnswers, apiErrorBodySchema, authAnswers, forumAnswers, moderationAnswers, postSchema, queueEventSchema, referralAnswers,
  profileAnswers, searchAnswers, testimonialAnswers,
} from '../../shared/schemas/index.js';

const PASSWORD = 'a fine long password';
const PHONE = 'call me on +1 415 555 0132';

/** The body, parsed; on a mismatch the failure lists each field that differs and how. */
function expectShape<S extends z.ZodType>(schema: S, res: { status: number; body: unknown }, status = 200): z.infer<S> {
  expect(res.status).toBe(status);
  const parsed = schema.safeParse(res.body);
  expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  return parsed.data as z.infer<S>;
}

let agora: Running;
let admin: Client;
let moderator: Client;
let member: Client;
let other: Client;
let forumId: string;

beforeAll(async () => {
  agora = await startAgora({ env: { HOLD_ACKNOWLEDGED_PII: 'PHONE', POST_RATE_PER_MINUTE: '1000' } });
  admin = await signedIn(agora.url, agora.stores.users, 'admin');
  moderator = await signedIn(agora.url, agora.stores.users, 'moderator');
  member = await signedIn(agora.url, agora.stores.users, 'member');
  other = await signedIn(agora.url, agora.stores.users, 'member');
  forumId = expectShape(forumAnswers.forum, await admin.post('/api/forums', { slug: `schemas-${Date.now()}`, title: 'Schemas' }), 201).forum.id;
});
afterAll(() => agora.close());

async function newThread(by = member, body = 'the opening post') {
  return expectShape(forumAnswers.newThread, await by.post(`/api/forums/${forumId}/threads`, { title: 'A thread', body }), 201);
}

test('sign-up, sign-in and the session answer with the shared user shapes', async () => {
  const visitor = new Client(agora.url);
  expectShape(authAnswers.csrf, await visitor.get('/api/auth/csrf'));
  const username = `schema${Date.now().toString(36)}`;
  const signedUp = expectShape(authAnswers.signedIn, await visitor.post('/api/auth/register', { username, email: `${username}@example.com`, password: PASSWORD }), 201);
  visitor.csrf = signedUp.csrfToken; // bound to the new session
  expectShape(authAnswers.me, await visitor.get('/api/auth/me'));
  // A banned user sees their ban, its end and its reason in the same shape.
  const me = (await visitor.get('/api/auth/me')).body.user as { id: string };
  await moderator.post(`/api/mod/users/${me.id}/ban`, { reason: 'spam', until: new Date(Date.now() + 86_400_000).toISOString() });
  expect(expectShape(authAnswers.me, await visitor.get('/api/auth/me')).user).toMatchObject({ banned: true, banReason: 'spam' });
  await moderator.post(`/api/mod/users/${me.id}/unban`);
  expect((await visitor.post('/api/auth/logout')).status).toBe(204);
  expectShape(authAnswers.signedIn, await visitor.login(username, PASSWORD));
});

test('forums, threads, posts, sources and previews answer with the shared forum shapes', async () => {
  expectShape(forumAnswers.forums, await member.get('/api/forums'));
  expectShape(forumAnswers.forum, await member.get(`/api/forums/${forumId}`));
  const { thread, post } = await newThread();
  expectShape(forumAnswers.threads, await member.get(`/api/forums/${forumId}/threads`));
  expectShape(forumAnswers.thread, await member.get(`/api/threads/${thread.id}`));
  const reply = expectShape(forumAnswers.post, await member.post(`/api/threads/${thread.id}/posts`, { body: `${PHONE}, or write`, acknowledgePii: ['PHONE'] }), 201);
  expect(reply.post.piiTypes).toEqual(['PHONE']);
  expectShape(forumAnswers.posts, await member.get(`/api/threads/${thread.id}/posts`));
  expectShape(forumAnswers.post, await member.get(`/api/posts/${post.id}`));
  expectShape(forumAnswers.source, await member.get(`/api/posts/${post.id}/source`));
  expectShape(forumAnswers.post, await member.patch(`/api/posts/${post.id}`, { body: 'the opening post, edited' }));
  const preview = expectShape(forumAnswers.preview, await member.post('/api/preview', { body: PHONE }));
  expect(preview.findings.map((f) => f.type)).toEqual(['PHONE']);
});

test('a removed post answers as a tombstone to members and with its removal to moderators, both in the shared post shape', async () => {
  const { thread } = await newThread();
  const { post } = expectShape(forumAnswers.post, await member.post(`/api/threads/${thread.id}/posts`, { body: 'to be removed' }), 201);
  const removed = expectShape(moderationAnswers.post, await moderator.post(`/api/posts/${post.id}/remove`, { reason: 'spam' }));
  expect(removed.post.removal?.reason).toBe('spam');
  const tombstone = expectShape(forumAnswers.post, await other.get(`/api/posts/${post.id}`));
  expect(tombstone.post).toMatchObject({ html: null, author: null });
  // Its author reads why and when (never who) in the same shape.
  const own = expectShape(forumAnswers.post, await member.get(`/api/posts/${post.id}`));
  expect(own.post.removal).toEqual({ reason: 'spam', at: expect.any(String) });
  expectShape(moderationAnswers.post, await moderator.post(`/api/posts/${post.id}/restore`, {}));
  expect((await moderator.post(`/api/posts/${post.id}/purge`, { reason: 'gone' })).status).toBe(204);
  expect(expectShape(moderationAnswers.post, await moderator.get(`/api/posts/${post.id}`)).post.purged).toBe(true);
});

test('search answers pages in the shared hit shape, to members and to moderators searching removed posts', async () => {
  const { post } = await newThread(member, 'a findable opening post about zanzibar');
  const hits = expectShape(searchAnswers.results, await other.get('/api/search?q=zanzibar'));
  expect(hits.items.map((h) => h.post.id)).toContain(post.id);
  expect(hits.items[0]!.snippet).toContain('<mark>zanzibar</mark>');
  expect((await moderator.post(`/api/posts/${post.id}/remove`, { reason: 'spam' })).status).toBe(200);
  const removed = expectShape(searchAnswers.results, await moderator.get('/api/search?q=zanzibar&status=removed'));
  expect(removed.items.map((h) => h.post.id)).toContain(post.id);
  expect(removed.items.find((h) => h.post.id === post.id)!.post.removal?.reason).toBe('spam');
});

test('the review queue, flags, thread actions, user actions and the audit log answer with the shared moderation shapes', async () => {
  const { thread, post } = await newThread();
  const flag = expectShape(moderationAnswers.flag, await other.post(`/api/posts/${post.id}/flags`, { reason: 'rude' }), 201);
  const held = expectShape(forumAnswers.post, await member.post(`/api/threads/${thread.id}/posts`, { body: PHONE, acknowledgePii: ['PHONE'] }), 201);
  expect(held.post.status).toBe('held');

  const queue = expectShape(moderationAnswers.queue, await moderator.get('/api/mod/queue'));
  expect(queue.items.map((i) => i.kind)).toEqual(expect.arrayContaining(['flag', 'held']));
  for (const item of queue.items) expect(queueEventSchema.safeParse({ kind: item.kind, item }).success).toBe(true);
  expectShape(moderationAnswers.post, await moderator.post(`/api/posts/${held.post.id}/approve`));
  expectShape(moderationAnswers.resolved, await moderator.post(`/api/mod/flags/${flag.flag.id}/resolve`, { action: 'dismiss' }));

  expectShape(moderationAnswers.thread, await moderator.post(`/api/threads/${thread.id}/lock`));
  expectShape(moderationAnswers.thread, await moderator.post(`/api/threads/${thread.id}/unlock`));
  const removedThread = expectShape(moderationAnswers.thread, await moderator.post(`/api/threads/${thread.id}/remove`, { reason: 'off topic' }));
  expect(removedThread.thread.removal?.reason).toBe('off topic');
  expectShape(moderationAnswers.thread, await moderator.post(`/api/threads/${thread.id}/restore`, {}));

  const target = await signedIn(agora.url, agora.stores.users, 'member');
  const found = expectShape(moderationAnswers.user, await moderator.get(`/api/mod/users?username=${target.user!.username}`));
  expect(expectShape(moderationAnswers.user, await moderator.post(`/api/mod/users/${found.user.id}/ban`, { reason: 'spam' })).user.ban?.reason).toBe('spam');
  expectShape(moderationAnswers.user, await moderator.get(`/api/mod/users?username=${target.user!.username}`));
  expectShape(moderationAnswers.user, await moderator.post(`/api/mod/users/${found.user.id}/unban`));
  expectShape(moderationAnswers.removed, await moderator.post(`/api/mod/users/${found.user.id}/remove-posts`, { reason: 'spam' }));
  expectShape(moderationAnswers.role, await admin.post(`/api/admin/users/${found.user.id}/role`, { role: 'moderator' }));
  const listed = expectShape(moderationAnswers.adminUsers, await admin.get(`/api/admin/users?query=${target.user!.username}&limit=1`));
  expect(listed.items[0]).toMatchObject({ id: found.user.id, role: 'moderator', banned: false });
  const archived = expectShape(forumAnswers.forum, await admin.patch(`/api/forums/${forumId}`, { title: 'Schemas', position: 0, archived: true }));
  expect(archived.forum).toMatchObject({ position: 0, archived: true });
  expectShape(forumAnswers.forum, await admin.patch(`/api/forums/${forumId}`, { archived: false }));

  const audit = expectShape(moderationAnswers.audit, await moderator.get('/api/mod/audit'));
  expect(audit.items.some((e) => e.reasonBy)).toBe(true); // the dismissed flag's reason names its author
});

test('the account page, the data export and the sessions answer with the shared account shapes', async () => {
  const me = await signedIn(agora.url, agora.stores.users, 'member');
  const { thread } = await newThread(me);
  const { post: othersPost } = await newThread(other);
  expectShape(moderationAnswers.flag, await me.post(`/api/posts/${othersPost.id}/flags`, { reason: 'rude' }), 201);
  await me.post('/api/testimonials', { text: 'Agora works.' });
  const elsewhere = new Client(agora.url);
  await elsewhere.login(me.user!.username, PASSWORD);

  expectShape(accountAnswers.me, await me.get('/api/me'));
  const data = expectShape(accountAnswers.export, await me.get('/api/me/export'));
  expect([data.posts.length, data.threads[0]?.id, data.flags.length, data.testimonials.length, data.sessions.length]).toEqual([1, thread.id, 1, 1, 2]);
  expectShape(accountAnswers.sessions, await me.get('/api/me/sessions'));
  expectShape(accountAnswers.signedOutOthers, await me.del('/api/me/sessions'));
  expectShape(accountAnswers.me, await me.patch('/api/me', { currentPassword: PASSWORD, email: `${me.user!.username}@example.org` }));
  expect(expectShape(accountAnswers.me, await me.patch('/api/me', { bio: 'I knit.' })).user.bio).toBe('I knit.');
  expect(expectShape(accountAnswers.export, await me.get('/api/me/export')).user.bio).toBe('I knit.');
});

test('a profile and its posts answer with the shared profile shapes', async () => {
  const { post } = await newThread(member);
  await moderator.post(`/api/posts/${post.id}/remove`, { reason: 'spam' });
  await newThread(member);
  const name = member.user!.username;
  expect(expectShape(profileAnswers.profile, await new Client(agora.url).get(`/api/users/${name}`)).profile.username).toBe(name);
  // The removed post is listed for its author (its tombstone) and staff; a visitor sees only visible posts.
  for (const [viewer, listsRemoved] of [[new Client(agora.url), false], [member, true], [moderator, true]] as const) {
    expect(expectShape(profileAnswers.posts, await viewer.get(`/api/users/${name}/posts?limit=100`)).items.some((p) => p.status === 'removed')).toBe(listsRemoved);
  }
  expectShape(apiErrorBodySchema, await member.get('/api/users/nobody-at-all'), 404);
  expectShape(apiErrorBodySchema, await member.patch('/api/me', { bio: PHONE }), 422);
});

test('writing, consenting to, featuring and listing testimonials answer with the shared testimonial shapes', async () => {
  const { testimonial } = expectShape(testimonialAnswers.own, await member.post('/api/testimonials', { text: 'Helpful people here.' }), 201);
  expectShape(testimonialAnswers.own, await member.patch(`/api/testimonials/${testimonial.id}`, { text: 'Very helpful people here.' }));
  expectShape(testimonialAnswers.own, await member.post(`/api/testimonials/${testimonial.id}/consent`, { name: 'Sam', title: 'Customer' }));
  expectShape(testimonialAnswers.reviewed, await admin.post(`/api/testimonials/${testimonial.id}/feature`));
  expect(expectShape(testimonialAnswers.list, await member.get('/api/testimonials')).items.length).toBeGreaterThan(0);
  expectShape(testimonialAnswers.mine, await member.get('/api/testimonials/mine'));
  expectShape(testimonialAnswers.review, await admin.get('/api/testimonials/review'));
  expectShape(testimonialAnswers.own, await member.del(`/api/testimonials/${testimonial.id}/consent`));
});

test('referral tokens and stats answer with the shared referral shapes', async () => {
  expectShape(referralAnswers.token, await member.post('/api/referrals/token'), 201);
  expectShape(referralAnswers.stats, await member.get('/api/referrals/stats'));
});

test('refusals answer with the shared error shape, findings included', async () => {
  const { thread } = await newThread();
  expectShape(apiErrorBodySchema, await member.post(`/api/threads/${thread.id}/posts`, { body: 42 }), 400);
  const signUp = expectShape(apiErrorBodySchema, await new Client(agora.url).post('/api/auth/register', { username: 'x', password: 'short' }), 400);
  expect(Object.keys(signUp.error.details?.fields ?? {})).toEqual(['username', 'email', 'password']);
  expectShape(apiErrorBodySchema, await member.get('/api/threads/nope'), 404);
  expectShape(apiErrorBodySchema, await member.get('/api/mod/queue'), 403);
  const pii = expectShape(apiErrorBodySchema, await member.post(`/api/threads/${thread.id}/posts`, { body: PHONE }), 422);
  expect(pii.error.details?.findings?.map((f) => f.type)).toEqual(['PHONE']);
});

test('a view that grows a field the schema does not know fails the check', async () => {
  const { post } = await newThread();
  expect(postSchema.safeParse(post).success).toBe(true);
  expect(postSchema.safeParse({ ...post, authorEmail: 'someone@example.com' }).success).toBe(false);
});

test('a password-reset request and a refused confirmation answer with the shared shapes', async () => {
  const visitor = new Client(agora.url);
  expectShape(authAnswers.passwordReset, await visitor.post('/api/auth/password-reset', { email: 'nobody-here@example.com' }), 202);
  const refused = expectShape(apiErrorBodySchema, await visitor.post('/api/auth/password-reset/confirm', { token: 'not-a-token', password: PASSWORD }), 400);
  expect(refused.error.code).toBe('invalid_token');
});
