import type { Browser } from 'playwright-core';
import { startAgora, type Running } from '../helpers/agora.js';
import { artifact, expectTitle, launchBrowser, pressAndKeepFocus, type SignedInPage, signInThroughPage } from '../helpers/browser.js';
import { eventually } from '../helpers/eventually.js';
import { Client, uniqueName } from '../helpers/http.js';
import { unusedPort } from '../helpers/smtp.js';
import { createAccount } from '../../server/auth/service.js';
import type { OutboxMessage } from '../../server/mail/index.js';

// E-mail verification in a real browser, with REQUIRE_VERIFIED_EMAIL=1: an unverified member's
// reply is refused with the reason and a resend button; the account page says the address is not
// verified and sends a link (read from the development outbox); the link's page confirms it, and a
// used link says so. Then the reply goes through.

let agora: Running;
let browser: Browser;
const contexts: SignedInPage[] = [];

beforeAll(async () => {
  const port = await unusedPort();
  agora = await startAgora({ port, env: { PUBLIC_URL: `http://127.0.0.1:${port}`, REQUIRE_VERIFIED_EMAIL: '1' } });
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const c of contexts) await c.context.close();
  await browser?.close();
  await agora?.close();
});

const linksTo = async (email: string, n: number): Promise<string[]> => eventually(async () => {
  const { items } = (await (await fetch(`${agora.url}/dev/mail.json`)).json()) as { items: OutboxMessage[] };
  const links = items.filter((m) => m.to === email && /\/verify\//.test(m.text))
    .map((m) => /http:\/\/127\.0\.0\.1:\d+\/verify\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}/.exec(m.text)![0]);
  return links.length >= n ? links : false;
}, { what: `${n} verification mails in the outbox` });

test('an unverified member is told why they cannot reply, verifies from the account page and the link, then replies', async () => {
  // A verified admin opens a thread to reply in.
  const adminName = uniqueName('adm');
  await createAccount(agora.stores.users, { username: adminName, email: `${adminName}@example.com`, password: 'a fine long password', role: 'admin', emailVerified: true });
  const admin = new Client(agora.url);
  await admin.login(adminName, 'a fine long password');
  const forumId = (await admin.post('/api/forums', { slug: 'verify', title: 'Verify forum' })).body.forum.id;
  const threadId = (await admin.post(`/api/forums/${forumId}/threads`, { title: 'Say hello', body: 'Hello all' })).body.thread.id;

  const member = await signInThroughPage(browser, agora);
  contexts.push(member);
  const { page, username } = member;
  const email = `${username}@example.com`;

  await page.goto(`${agora.url}/t/${threadId}`);
  await page.getByLabel('Your reply').fill('Hello from me');
  await page.getByRole('button', { name: 'Post reply' }).click();
  await page.getByRole('alert').getByText(/verify your e-mail address first/).waitFor();
  await page.getByRole('button', { name: 'Send me a new link' }).waitFor();

  await page.goto(`${agora.url}/account`);
  await page.getByTestId('email-unverified').getByText(`Your address ${email} is not verified yet`).waitFor();
  // By keyboard; no mail server here: the outcome says where the new link is instead. The button keeps the focus.
  expect(await pressAndKeepFocus(page, page.getByTestId('account-resend'),
    () => page.getByTestId('account-resend-outcome').getByText(/no e-mail was sent: the new link/).waitFor())).toBe('Send me a new link');
  const [link] = await linksTo(email, 1);

  // Nothing the verification page asks for may carry its address (and so the token) in a Referer.
  const referers: string[] = [];
  page.on('request', (r) => referers.push(r.headers()['referer'] ?? ''));
  const opened = await page.goto(link!);
  expect(opened!.headers()['referrer-policy']).toBe('no-referrer');
  await page.getByRole('heading', { name: 'Your e-mail address is confirmed' }).waitFor();
  await expectTitle(page, 'Confirm your e-mail address · Agora');
  await page.screenshot({ path: artifact('verify-email-done.png'), fullPage: true });
  expect(referers.filter((r) => r.includes('/verify/'))).toEqual([]);

  // The same link again: used; this member is verified, so there is nothing to resend.
  await page.goto(link!);
  await page.getByTestId('verify-status').getByText(/does not work any more/).waitFor();
  await page.getByText('Your address is already verified').waitFor();

  await page.goto(`${agora.url}/account`);
  await page.getByTestId('email-verified').getByText(`Your address ${email} is verified.`).waitFor();

  await page.goto(`${agora.url}/t/${threadId}`);
  await page.getByLabel('Your reply').fill('Hello from me, verified');
  await page.getByRole('button', { name: 'Post reply' }).click();
  await page.getByText('Hello from me, verified').first().waitFor();
  expect(member.problems).toEqual([]);
});

test('a link that no longer works offers a signed-in, unverified member a new one', async () => {
  const member = await signInThroughPage(browser, agora);
  contexts.push(member);
  const { page, id, username } = member;
  await page.goto(`${agora.url}/verify/${id}.${'A'.repeat(43)}`);
  await page.getByTestId('verify-status').getByText(/does not work any more/).waitFor();
  await page.getByTestId('verify-resend').click();
  await page.getByTestId('verify-resend-outcome').getByText(/no e-mail was sent: the new link/).waitFor();
  await linksTo(`${username}@example.com`, 1);
  expect(member.problems).toEqual([]);
});
