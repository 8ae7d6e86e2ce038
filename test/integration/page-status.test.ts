// The first load of a page answers with the status its content deserves: the web app's index.html
// always (its not-found page says the rest), 404 for a path the web app has no page for and for a
// forum or thread the viewer may not see, decided by the same read services as the API.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startAgora, type Running } from '../helpers/agora.js';
import { Client, signedIn } from '../helpers/http.js';

const INDEX = '<!doctype html><title>Agora</title><div id="app"></div>';

let agora: Running;
let admin: Client;
let moderator: Client;
let member: Client;
let forumId: string;

beforeAll(async () => {
  const clientDir = mkdtempSync(path.join(tmpdir(), 'agora-pages-'));
  writeFileSync(path.join(clientDir, 'index.html'), INDEX);
  // A new member's first post waits for review: their thread exists for them and staff only.
  agora = await startAgora({ clientDir, env: { HOLD_FIRST_POSTS: '1' } });
  admin = await signedIn(agora.url, agora.stores.users, 'admin');
  moderator = await signedIn(agora.url, agora.stores.users, 'moderator');
  member = await signedIn(agora.url, agora.stores.users, 'member');
  forumId = (await admin.post('/api/forums', { slug: `pages-${Date.now()}`, title: 'Pages' })).body.forum.id;
});
afterAll(() => agora.close());

const page = (path: string, as?: Client) => (as ? as.get(path) : request(agora.url).get(path));

async function expectPage(path: string, status: number, as?: Client) {
  const res = await page(path, as);
  expect([path, res.status]).toEqual([path, status]);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.text).toBe(INDEX);
  // A page whose path holds a token is never stored; every other page is revalidated on each load.
  expect(res.headers['cache-control']).toBe(/^\/(unsubscribe|reset|verify)\//.test(path) ? 'no-store' : 'no-cache');
}

async function newThread(by: Client) {
  const res = await by.post(`/api/forums/${forumId}/threads`, { title: 'A thread', body: 'Its opening post' });
  expect(res.status).toBe(201);
  return res.body.thread.id as string;
}

test('when a path names no page of the web app, then it answers 404 with the web app (which says "Page not found")', async () => {
  for (const p of ['/no/such/page', '/u/someone', '/threads', '/t/', '/f/a/b', '/signin/extra', '/search/extra']) await expectPage(p, 404);
});

test('when a path names a page, then it answers 200, signed in or not', async () => {
  for (const p of ['/', '/signin', '/signup', '/account', '/testimonials', '/invite', '/mod', '/admin', '/r/somecode', '/unsubscribe/sometoken', '/search', '/search?q=anything&forumId=x']) {
    await expectPage(p, 200);
    await expectPage(p, 200, member);
  }
});

test('when a forum is unknown or its id malformed, then its page answers 404; a real forum answers 200', async () => {
  await expectPage(`/f/${forumId}`, 200);
  await expectPage('/f/nosuchforum0000', 404);
  await expectPage('/f/not-an-id', 404);
  // The forum itself, for the page's title and breadcrumbs.
  expect((await page(`/api/forums/${forumId}`)).body).toEqual({ forum: { id: forumId, slug: expect.any(String), title: 'Pages', description: '', position: 0, archived: false, can: { post: false } } });
  expect((await page('/api/forums/nosuchforum0000')).status).toBe(404);
});

test('when a thread is unknown, then its page answers 404 to everyone; a visible one answers 200', async () => {
  const threadId = await newThread(admin);
  for (const as of [undefined, member, moderator]) {
    await expectPage(`/t/${threadId}`, 200, as);
    await expectPage('/t/nosuchthread000', 404, as);
    await expectPage('/t/<script>', 404, as);
  }
});

test('when a thread is removed, then its page answers 404 to visitors, members and its author, and 200 to moderators', async () => {
  const author = await signedIn(agora.url, agora.stores.users, 'member');
  await author.post(`/api/forums/${forumId}/threads`, { title: 'first, held', body: 'held for review' }); // uses up the held first post
  const threadId = await newThread(author);
  await expectPage(`/t/${threadId}`, 200, member);
  expect((await moderator.post(`/api/threads/${threadId}/remove`, { reason: 'spam' })).status).toBe(200);
  await expectPage(`/t/${threadId}`, 404);
  await expectPage(`/t/${threadId}`, 404, member);
  await expectPage(`/t/${threadId}`, 404, author);
  await expectPage(`/t/${threadId}`, 200, moderator);
  await expectPage(`/t/${threadId}`, 200, admin);
  expect((await moderator.post(`/api/threads/${threadId}/restore`, {})).status).toBe(200);
  await expectPage(`/t/${threadId}`, 200, member);
});

test('when a thread waits for review, then its page answers 200 to its author and moderators and 404 to everyone else', async () => {
  const newcomer = await signedIn(agora.url, agora.stores.users, 'member');
  const threadId = await newThread(newcomer);
  await expectPage(`/t/${threadId}`, 200, newcomer);
  await expectPage(`/t/${threadId}`, 200, moderator);
  await expectPage(`/t/${threadId}`, 404, member);
  await expectPage(`/t/${threadId}`, 404);
});

test('when a signed-in moderator is banned, then a removed thread answers 404 to them like to any member', async () => {
  const threadId = await newThread(admin);
  expect((await moderator.post(`/api/threads/${threadId}/remove`, { reason: 'spam' })).status).toBe(200);
  const banned = await signedIn(agora.url, agora.stores.users, 'moderator');
  await expectPage(`/t/${threadId}`, 200, banned);
  const id = (await banned.get('/api/auth/me')).body.user.id as string;
  expect((await admin.post(`/api/mod/users/${id}/ban`, { reason: 'rude' })).status).toBe(200);
  await expectPage(`/t/${threadId}`, 404, banned);
});

test('API paths keep their JSON answers', async () => {
  const res = await page('/api/no-such-route');
  expect(res.status).toBe(404);
  expect(res.body.error.code).toBe('not_found');
});
