import type { Browser } from 'playwright-core';
import { startAgora, type Running } from '../helpers/agora.js';
import { artifact, launchBrowser, signInThroughPage, type SignedInPage } from '../helpers/browser.js';
import { unusedPort } from '../helpers/smtp.js';

// A newcomer without a mail server: the invite goes to the development outbox, the invite page
// says so, and the link in the kept message leads to the landing page. No SMTP_URL here.

let agora: Running;
let browser: Browser;
const signedIn: SignedInPage[] = [];

beforeAll(async () => {
  // Links in e-mails start with PUBLIC_URL: here it is this very server, as on a developer's machine.
  const port = await unusedPort();
  agora = await startAgora({ port, env: { PUBLIC_URL: `http://127.0.0.1:${port}`, REFERRAL_IP_DAILY_LIMIT: '1000' } });
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const s of signedIn) await s.context.close();
  await browser?.close();
  await agora?.close();
});

test('a member invites a friend without a mail server, is pointed to /dev/mail, and follows the invite link from there to the landing page', async () => {
  const member = await signInThroughPage(browser, agora);
  signedIn.push(member);
  const { page, problems } = member;
  await page.goto(`${agora.url}/invite`);
  await page.getByRole('heading', { name: 'Invite a friend' }).waitFor();

  await page.getByLabel("Your friend's name").fill('Ada Lovelace');
  await page.getByLabel("Your friend's e-mail address").fill('ada@example.org');
  await page.getByRole('button', { name: 'Send the invitation' }).click();
  const status = page.getByRole('status').filter({ hasText: 'development outbox' });
  await status.waitFor();
  expect(await status.textContent()).toMatch(/no email was sent/);
  await page.screenshot({ path: artifact('dev-mail-invite.png'), fullPage: true });

  await status.getByRole('link', { name: '/dev/mail' }).click();
  await page.getByRole('heading', { name: 'Development outbox' }).waitFor();
  expect(new URL(page.url()).pathname).toBe('/dev/mail');
  const mail = page.getByRole('article', { name: 'An invitation to join Agora' });
  expect(await mail.count()).toBe(1);
  await mail.getByText('Ada Lovelace <ada@example.org>').waitFor();

  // The HTML part renders in its sandboxed frame, styles and all, with the same join link.
  await mail.getByText('HTML', { exact: true }).click();
  await page.frameLocator('iframe').getByRole('link', { name: 'Join Agora' }).waitFor();
  await page.screenshot({ path: artifact('dev-mail-outbox.png'), fullPage: true });

  const join = mail.getByRole('link', { name: new RegExp(`^${agora.url.replace(/[.]/g, '\\.')}/r/`) });
  await join.click();
  await page.getByRole('heading', { name: "You're invited to Agora" }).waitFor();
  expect(problems).toEqual([]);
});
