// The README's pictures, taken the way a visitor sees the pages: a thread with a few posts, and the
// moderation dashboard with a flag and a held post waiting. They land in test/artifacts/ on every
// run; `npm run screenshots` (UPDATE_DOCS_SCREENSHOTS=1) writes them to docs/screenshots/ as well.
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { startAgora, type Running } from '../helpers/agora.js';
import { artifact, launchBrowser } from '../helpers/browser.js';
import { createAccount } from '../../server/auth/service.js';
import { Client } from '../helpers/http.js';

const DOCS = path.resolve(__dirname, '../../docs/screenshots');

let agora: Running;
let browser: Browser;
let threadId: string;

/** A member with a name a reader would expect in a picture (the suite's own start from a fresh store). */
async function person(username: string, role: 'member' | 'admin' = 'member'): Promise<Client> {
  const password = 'a fine long password';
  await createAccount(agora.stores.users, { username, email: `${username}@example.com`, password, role });
  const c = new Client(agora.url);
  expect((await c.login(username, password)).status).toBe(200);
  return c;
}

async function write(client: Client, url: string, body: Record<string, unknown>) {
  const res = await client.post(url, body);
  expect(res.status).toBe(201);
  return res.body;
}

beforeAll(async () => {
  agora = await startAgora({ env: { HOLD_FIRST_POSTS: '0' } });
  browser = await launchBrowser();
  const admin = await person('admin', 'admin');
  const ana = await person('ana');
  const ben = await person('ben_builds');
  const forum = (await write(admin, '/api/forums', { slug: 'getting-started', title: 'Getting started', description: 'Setting up, first steps, and questions about the basics' })).forum;
  const started = await write(ana, `/api/forums/${forum.id}/threads`, {
    title: 'Exporting invoices as CSV every month',
    body: 'Is there a way to export **all invoices of a month** as one CSV? I can only find the per-invoice PDF.\n\nThanks!',
  });
  threadId = started.thread.id;
  await write(ben, `/api/threads/${threadId}/posts`, {
    body: 'Yes: *Billing → Invoices*, pick the month in the filter, then **Export → CSV**. It includes every column the table shows.',
  });
  // Personal data acknowledged by its author: the reader sees the card number masked.
  await write(ana, `/api/threads/${threadId}/posts`, {
    body: 'Found it, thank you! One invoice still shows my card 4539 1488 0343 6467 though; can support hide it?',
    acknowledgePii: ['CREDIT_CARD'],
  });
  const spam = await write(ben, `/api/threads/${threadId}/posts`, { body: 'Cheap replica watches at spam.example, best prices!' });
  expect((await ana.post(`/api/posts/${spam.post.id}/flags`, { reason: 'Spam: advertising' })).status).toBe(201);
});

afterAll(async () => {
  await browser?.close();
  await agora?.close();
});

/** Signs in through the sign-in page as a named account made for the picture. */
async function signInAs(username: string, role: 'member' | 'moderator') {
  const password = 'a fine long password';
  await createAccount(agora.stores.users, { username, email: `${username}@example.com`, password, role });
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${agora.url}/signin`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('whoami').waitFor();
  return { page, context };
}

async function keep(name: string) {
  if (process.env.UPDATE_DOCS_SCREENSHOTS !== '1') return;
  mkdirSync(DOCS, { recursive: true });
  copyFileSync(artifact(name), path.join(DOCS, name));
}

test('a thread page shows its posts, with the card number masked, to a signed-in member', async () => {
  const member = await signInAs('chris', 'member');
  await member.page.goto(`${agora.url}/t/${threadId}`);
  await member.page.getByText('Live', { exact: true }).waitFor();
  const text = await member.page.locator('main').innerText();
  expect(text).toContain('Exporting invoices as CSV every month');
  expect(text).not.toContain('4539 1488 0343 6467');
  await member.page.screenshot({ path: artifact('thread.png') });
  await keep('thread.png');
  await member.context.close();
});

test('the moderation dashboard shows the flagged post waiting in the review queue', async () => {
  const moderator = await signInAs('maya_mod', 'moderator');
  await moderator.page.goto(`${agora.url}/mod`);
  await moderator.page.getByText('Spam: advertising').first().waitFor();
  // The post's author and the flagger link to their profiles.
  const card = moderator.page.getByTestId('queue-item').first();
  expect(await card.getByRole('link', { name: 'ben_builds' }).getAttribute('href')).toBe('/u/ben_builds');
  expect(await card.getByRole('link', { name: 'ana' }).getAttribute('href')).toBe('/u/ana');
  await moderator.page.screenshot({ path: artifact('moderation.png') });
  await keep('moderation.png');
  await moderator.context.close();
});
