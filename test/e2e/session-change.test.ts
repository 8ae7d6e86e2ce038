import type { Browser, BrowserContext } from 'playwright-core';
import { startAgora, type Running } from '../helpers/agora.js';
import { launchBrowser, signInThroughPage } from '../helpers/browser.js';
import { signedIn, type Client } from '../helpers/http.js';

let agora: Running;
let browser: Browser;
let admin: Client;
let threadId: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  agora = await startAgora();
  browser = await launchBrowser();
  admin = await signedIn(agora.url, agora.stores.users, 'admin');
  const forumId = (await admin.post('/api/forums', { slug: 'changes', title: 'Changes' })).body.forum.id;
  threadId = (await admin.post(`/api/forums/${forumId}/threads`, { title: 'Open thread', body: 'Hello' })).body.thread.id;
});
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await agora?.close();
});

test('an open tab follows a ban and a new role without a reload, and stays live', async () => {
  const member = await signInThroughPage(browser, agora);
  contexts.push(member.context);
  const { page } = member;
  await page.goto(`${agora.url}/t/${threadId}`);
  await page.getByTestId('live-status').filter({ hasText: 'Live' }).waitFor();
  await page.getByLabel('Your reply').waitFor();

  // A ban closes the tab's connection: the page re-reads the account, hides the reply box,
  // reconnects and keeps showing new posts (banned users still read).
  expect((await admin.post(`/api/mod/users/${member.id}/ban`, { reason: 'test' })).status).toBe(200);
  await page.getByLabel('Your reply').waitFor({ state: 'detached' });
  await page.getByTestId('live-status').filter({ hasText: 'Live' }).waitFor();
  await admin.post(`/api/threads/${threadId}/posts`, { body: 'Still visible to banned readers' });
  await page.getByTestId('post').filter({ hasText: 'Still visible to banned readers' }).waitFor();

  // Unbanned and promoted: the moderation link appears and the reply box comes back.
  expect((await admin.post(`/api/mod/users/${member.id}/unban`, {})).status).toBe(200);
  expect((await admin.post(`/api/admin/users/${member.id}/role`, { role: 'moderator' })).status).toBe(200);
  await page.getByRole('link', { name: 'Moderation' }).waitFor();
  await page.getByLabel('Your reply').waitFor();
  expect(member.problems).toEqual([]);
});

test('signing out in one tab signs the other tabs of that browser out at once, and they stay live', async () => {
  const member = await signInThroughPage(browser, agora);
  contexts.push(member.context);
  const other = await member.context.newPage();
  await other.goto(`${agora.url}/t/${threadId}`);
  await other.getByTestId('live-status').filter({ hasText: 'Live' }).waitFor();
  await other.getByLabel('Your reply').waitFor();

  // The sign-out closes every socket of that session; the other tab re-reads who is signed in.
  await member.page.getByRole('button', { name: 'Sign out' }).click();
  await other.getByLabel('Your reply').waitFor({ state: 'detached' });
  await other.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Sign in' }).waitFor();
  await other.getByTestId('live-status').filter({ hasText: 'Live' }).waitFor();
  await admin.post(`/api/threads/${threadId}/posts`, { body: 'Visible to the signed-out tab' });
  await other.getByTestId('post').filter({ hasText: 'Visible to the signed-out tab' }).waitFor();
  expect(member.problems).toEqual([]);
});
