// What the API tells a writer about their own writing and account: personal data masked on
// request (`maskPii`), why their post was removed (never who removed it), every problem of a
// refused sign-up at once, and their ban with its end and reason.
import request from 'supertest';
import { startAgora, type Running } from '../helpers/agora.js';
import { Client, signedIn } from '../helpers/http.js';
import { ACK_MS, connectSocket, type TestSocket } from '../helpers/sockets.js';
import type { WatchAck } from '../../shared/events.js';

const ADDRESS = 'jane.doe@example.org';
const MASKED = `${'\u2022'.repeat(ADDRESS.length - 4)}.org`;

let agora: Running;
let admin: Client;
let moderator: Client;
let author: Client;
let reader: Client;
let forumId: string;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  agora = await startAgora({ env: { POST_RATE_PER_MINUTE: '1000' } });
  admin = await signedIn(agora.url, agora.stores.users, 'admin');
  moderator = await signedIn(agora.url, agora.stores.users, 'moderator');
  author = await signedIn(agora.url, agora.stores.users, 'member');
  reader = await signedIn(agora.url, agora.stores.users, 'member');
  forumId = (await admin.post('/api/forums', { slug: `feedback-${Date.now()}`, title: 'Feedback' })).body.forum.id;
});
afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  await agora.close();
});

async function newThread(body = 'an opening post') {
  const res = await author.post(`/api/forums/${forumId}/threads`, { title: 'A thread', body });
  expect(res.status).toBe(201);
  return { threadId: res.body.thread.id as string, postId: res.body.post.id as string };
}

describe('maskPii', () => {
  test('when an author acknowledges an e-mail address and asks to mask it, then the stored and published post show it masked', async () => {
    const { threadId } = await newThread();
    const body = `Write to ${ADDRESS} please`;
    const res = await author.post(`/api/threads/${threadId}/posts`, { body, acknowledgePii: ['EMAIL'], maskPii: ['EMAIL'] });
    expect(res.status).toBe(201);
    expect(res.body.post).toMatchObject({ piiTypes: ['EMAIL'], html: `<p>Write to ${MASKED} please</p>\n` });
    const stored = await agora.stores.forum.getPost(res.body.post.id);
    expect(JSON.stringify(stored)).not.toContain(ADDRESS);
    for (const r of [await request(agora.url).get(`/api/posts/${res.body.post.id}`), await reader.get(`/api/threads/${threadId}/posts`)]) {
      expect(r.text).not.toContain(ADDRESS);
      expect(r.text).toContain(MASKED);
    }
  });

  test('when asked to mask, then it still needs the acknowledgement: 422 with the finding, which now says it will be masked', async () => {
    const { threadId } = await newThread();
    const res = await author.post(`/api/threads/${threadId}/posts`, { body: `Mail ${ADDRESS}`, maskPii: ['EMAIL'] });
    expect(res.status).toBe(422);
    expect(res.body.error.details.findings).toEqual([expect.objectContaining({ type: 'EMAIL', severity: 'sensitive', field: 'body' })]);
  });

  test('a new thread (title and body), an edit, the preview and a testimonial mask on request too', async () => {
    const thread = await author.post(`/api/forums/${forumId}/threads`, { title: `Reach me: ${ADDRESS}`, body: `or ${ADDRESS}`, acknowledgePii: ['EMAIL'], maskPii: ['EMAIL'] });
    expect(thread.status).toBe(201);
    expect(JSON.stringify(thread.body)).not.toContain(ADDRESS);
    expect(thread.body.thread.title).toBe(`Reach me: ${MASKED}`);
    const edit = await author.patch(`/api/posts/${thread.body.post.id}`, { body: `now ${ADDRESS}`, acknowledgePii: ['EMAIL'], maskPii: ['EMAIL'] });
    expect(edit.body.post.html).toBe(`<p>now ${MASKED}</p>\n`);
    const preview = await author.post('/api/preview', { body: `see ${ADDRESS}`, maskPii: ['EMAIL'] });
    expect(preview.body.html).toBe(`<p>see ${MASKED}</p>\n`);
    const testimonial = await author.post('/api/testimonials', { text: `Agora helped. ${ADDRESS}`, acknowledgePii: ['EMAIL'], maskPii: ['EMAIL'] });
    expect(testimonial.status).toBe(201);
    expect(testimonial.body.testimonial.text).toBe(`Agora helped. ${MASKED}`);
  });
});

describe('the removal of a post, as its author sees it', () => {
  test('when a moderator removes a post, then its author reads why and when, but not who nor the text; other members read a bare tombstone', async () => {
    const { threadId } = await newThread();
    const { id } = (await author.post(`/api/threads/${threadId}/posts`, { body: 'secret-words-1f3a' })).body.post;
    expect((await moderator.post(`/api/posts/${id}/remove`, { reason: 'off-topic: please keep to payments' })).status).toBe(200);
    const modName = moderator.user!.username;

    const own = (await author.get(`/api/posts/${id}`)).body.post;
    expect(own).toMatchObject({ status: 'removed', html: null, author: null, piiTypes: [] });
    expect(own.removal).toEqual({ reason: 'off-topic: please keep to payments', at: expect.any(String) });
    const inList = (await author.get(`/api/threads/${threadId}/posts`)).body.items.find((p: { id: string }) => p.id === id);
    expect(inList.removal).toEqual(own.removal);
    expect(JSON.stringify([own, inList])).not.toMatch(new RegExp(`secret-words|${modName}`));

    for (const r of [await reader.get(`/api/posts/${id}`), await request(agora.url).get(`/api/posts/${id}`)]) {
      expect(r.body.post).toEqual(expect.objectContaining({ status: 'removed', html: null, author: null, piiTypes: [] }));
      expect(r.body.post.removal).toBeUndefined();
    }
    expect((await moderator.get(`/api/posts/${id}`)).body.post.removal).toMatchObject({ by: { username: modName }, reason: 'off-topic: please keep to payments' });
  });

  test('when the author catches up on the thread after a removal, then the removal arrives as ids only, like for everyone', async () => {
    const { threadId } = await newThread();
    const { id } = (await author.post(`/api/threads/${threadId}/posts`, { body: 'soon removed' })).body.post;
    const s = await connectSocket(agora.url, author.cookieHeader());
    sockets.push(s);
    const { seq } = (await s.timeout(ACK_MS).emitWithAck('thread:watch', { threadId })) as WatchAck;
    s.disconnect();
    await moderator.post(`/api/posts/${id}/remove`, { reason: 'spam' });
    const back = await connectSocket(agora.url, author.cookieHeader());
    sockets.push(back);
    const ack = (await back.timeout(ACK_MS).emitWithAck('thread:watch', { threadId, since: seq })) as WatchAck;
    expect(ack.missed).toEqual([{ event: 'post:removed', payload: { seq: expect.any(Number), postId: id, threadId } }]);
  });
});

test('when a sign-up has several problems, then the 400 names the first and lists every field in plain words, without the values', async () => {
  const c = new Client(agora.url);
  const res = await c.post('/api/auth/register', { username: 'x!', email: 'not-an-address', password: 'short' });
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('invalid_request');
  expect(res.body.error.details.field).toBe('username');
  expect(res.body.error.details.fields).toEqual({
    username: 'Needs 3–32 letters, digits, dots, dashes or underscores.',
    email: 'Needs one e-mail address.',
    password: 'Needs at least 10 characters.',
  });
  expect(res.text).not.toMatch(/not-an-address|"short"|x!/);
  const missing = await c.post('/api/auth/register', { username: 'someone_ok' });
  expect(missing.body.error.details.fields).toEqual({ email: 'This is required.', password: 'This is required.' });
});

test('when a member is banned until a date, then their own user says so with the end and the reason, and not after the unban', async () => {
  const banned = await signedIn(agora.url, agora.stores.users, 'member');
  const id = (await banned.get('/api/auth/me')).body.user.id as string;
  const until = new Date(Date.now() + 7 * 86_400_000).toISOString();
  expect((await moderator.post(`/api/mod/users/${id}/ban`, { reason: 'insults', until })).status).toBe(200);
  expect((await banned.get('/api/auth/me')).body.user).toMatchObject({ banned: true, bannedUntil: until, banReason: 'insults' });
  expect(JSON.stringify((await banned.get('/api/auth/me')).body)).not.toContain(moderator.user!.username);
  expect((await moderator.post(`/api/mod/users/${id}/unban`, {})).status).toBe(200);
  const after = (await banned.get('/api/auth/me')).body.user;
  expect(after).toMatchObject({ banned: false, bannedUntil: null });
  expect(after.banReason).toBeUndefined();
});
