import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startAgora, type Running } from '../helpers/agora.js';
import { artifact, expectFocus, holdRequests, launchBrowser } from '../helpers/browser.js';
import { uniqueName } from '../helpers/http.js';
import { TestSmtpServer } from '../helpers/smtp.js';
import { createAccount } from '../../server/auth/service.js';

const smtp = new TestSmtpServer();
let agora: Running;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  await smtp.start();
  agora = await startAgora({ env: { SMTP_URL: smtp.url, REFERRAL_IP_DAILY_LIMIT: '1000' } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await agora?.close();
  await smtp.stop();
});
beforeEach(() => smtp.reset());
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

/** A page whose script errors are collected (4xx answers the test provokes are expected). */
async function openPage(options: Parameters<Browser['newContext']>[0] = {}): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext(options);
  contexts.push(context);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(`console: ${m.text()}`));
  return { page, problems };
}

async function signInAsNewMember(page: Page): Promise<{ username: string; referralCode: string }> {
  const username = uniqueName('inv');
  const user = await createAccount(agora.stores.users, { username, email: `${username}@example.com`, password: 'a fine long password' });
  await page.goto(`${agora.url}/signin?next=/invite`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('a fine long password');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Invite a friend' }).waitFor();
  return { username, referralCode: user.referralCode };
}

/** Links in the email start with PUBLIC_URL; the browser follows them on this test server. */
const onTestServer = (link: string) => `${agora.url}${new URL(link).pathname}`;

test('a member invites a friend in Chromium: one email arrives, its opt-out link works, and a sign-up through the invite is counted', async () => {
  const { page, problems } = await openPage({ permissions: ['clipboard-read', 'clipboard-write'] });
  const { username, referralCode } = await signInAsNewMember(page);
  await page.getByText('exactly one email').waitFor();
  await page.getByText('Nobody has joined through your link yet.').waitFor();

  // An address the rules refuse: the error sits next to its field, nothing is sent.
  await page.getByLabel("Your friend's name").fill('Ada Lovelace');
  await page.getByLabel("Your friend's e-mail address").fill('ada@example.org, eve@example.org');
  await page.getByRole('button', { name: 'Send the invitation' }).click();
  await page.locator('#friendEmail-error').waitFor();
  expect(await page.getByLabel("Your friend's e-mail address").getAttribute('aria-invalid')).toBe('true');

  // A double click sends one email.
  await page.getByLabel("Your friend's e-mail address").fill('ada@example.org');
  await page.getByRole('button', { name: 'Send the invitation' }).dblclick();
  await page.getByRole('status').filter({ hasText: 'Thank you!' }).waitFor();
  await page.screenshot({ path: artifact('referral-invite.png'), fullPage: true });
  expect(smtp.messages).toHaveLength(1);
  const mail = smtp.messages[0]!;
  expect(mail.to).toEqual(['ada@example.org']);
  expect(mail.text).toContain(username);

  // The referral link, with its copy button.
  const link = `${agora.url}/r/${referralCode}`;
  expect(await page.getByRole('textbox', { name: 'Referral link' }).inputValue()).toBe(link);
  await page.getByRole('button', { name: 'Copy link' }).click();
  await page.getByText('Link copied.').waitFor();
  expect(await page.evaluate('navigator.clipboard.readText()')).toBe(link);

  // The friend follows the opt-out link from the email and confirms, by keyboard: the button goes,
  // the page's heading takes the focus, and the live region says it is done.
  const friend = await openPage();
  await friend.page.goto(onTestServer(/https?:\/\/\S+\/unsubscribe\/[A-Za-z0-9_-]+/.exec(mail.text)![0]));
  await friend.page.getByRole('button', { name: 'Stop invitations to my address' }).press('Enter');
  await friend.page.getByRole('status').filter({ hasText: 'Agora will not send invitations to your address again' }).waitFor();
  await expectFocus(friend.page, '#optout-title');
  await friend.page.screenshot({ path: artifact('referral-opted-out.png'), fullPage: true });

  // A new invitation to that address looks the same to the member, and sends nothing.
  await page.getByLabel("Your friend's name").fill('Ada Lovelace');
  await page.getByLabel("Your friend's e-mail address").fill('ADA@example.org');
  await page.getByRole('button', { name: 'Send the invitation' }).click();
  await page.getByRole('status').filter({ hasText: 'Thank you!' }).waitFor();
  expect(smtp.messages).toHaveLength(1);

  // Someone else follows the join link from the email, lands, and signs up: the member sees the count.
  const joiner = await openPage();
  await joiner.page.goto(onTestServer(/https?:\/\/\S+\/r\/[A-Za-z0-9_-]+/.exec(mail.text)![0]));
  await joiner.page.getByRole('heading', { name: "You're invited to Agora" }).waitFor();
  await joiner.page.getByRole('link', { name: 'Create your account' }).click();
  const newcomer = uniqueName('new');
  await joiner.page.getByLabel('Username').fill(newcomer);
  await joiner.page.getByLabel('E-mail address').fill(`${newcomer}@example.com`);
  await joiner.page.getByLabel('Password').fill('a long enough password');
  await joiner.page.getByRole('button', { name: 'Create account' }).click();
  await joiner.page.getByTestId('whoami').waitFor();
  await page.reload();
  await page.getByText('1 person has joined through your link.').waitFor();

  expect([...problems, ...friend.problems, ...joiner.problems]).toEqual([]);
});

test('an answer lost on the way back, then a reload and a second submit, still send one email', async () => {
  const { page, problems } = await openPage();
  await signInAsNewMember(page);
  // The request reaches Agora (which sends the email), but the browser never sees the answer.
  await page.route('**/api/referrals', async (route) => {
    await route.fetch();
    await route.abort('connectionreset');
  });
  await page.getByLabel("Your friend's name").fill('Grace Hopper');
  await page.getByLabel("Your friend's e-mail address").fill('grace@example.org');
  await page.getByRole('button', { name: 'Send the invitation' }).click();
  await page.locator('.form-error').filter({ hasText: 'cannot be reached' }).waitFor();
  expect(smtp.messages).toHaveLength(1);

  await page.unroute('**/api/referrals');
  await page.reload();
  await page.getByLabel("Your friend's name").fill('Grace Hopper');
  await page.getByLabel("Your friend's e-mail address").fill('grace@example.org');
  await page.getByRole('button', { name: 'Send the invitation' }).click();
  await page.getByRole('status').filter({ hasText: 'Thank you!' }).waitFor();
  expect(smtp.messages).toHaveLength(1);
  expect(problems).toEqual([]);
});

test('the opt-out button keeps the focus when Agora cannot be reached, and a link that is not valid says so', async () => {
  const { page, problems } = await openPage();
  await page.goto(`${agora.url}/unsubscribe/not-a-real-token`);
  const button = page.getByRole('button', { name: 'Stop invitations to my address' });
  // The connection lost: the message comes, and the button, there again, still has the focus.
  const cut = await holdRequests(page, `${agora.url}/unsubscribe/*`, 'POST');
  await button.press('Enter');
  await cut.held;
  await expectFocus(page, 'button', 'Saving…');
  await cut.release('abort');
  await page.getByRole('alert').filter({ hasText: 'could not record this' }).waitFor();
  await expectFocus(page, 'button', 'Stop invitations to my address');
  // Pressed again, the token is refused: the button goes, and the heading takes the focus, the alert saying why.
  await button.press('Enter');
  await page.getByRole('alert').filter({ hasText: 'This opt-out link is not valid' }).waitFor();
  await expectFocus(page, '#optout-title');
  expect(problems).toEqual([]);
});
