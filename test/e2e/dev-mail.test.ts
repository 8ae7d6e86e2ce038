import type { Browser, Page } from 'playwright-core';
import { startAgora, type Running } from '../helpers/agora.js';
import { artifact, launchBrowser, signedInPage, type SignedInPage } from '../helpers/browser.js';
import request from 'supertest';
import { eventually } from '../helpers/eventually.js';
import { uniqueName } from '../helpers/http.js';
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
  const member = await signedInPage(browser, agora);
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

test('without a mail server, sign-up, a new verification link, a change of address and a reset each say no e-mail was sent and link to the outbox', async () => {
  // Closed with the browser (afterAll) if the test fails half-way.
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(`console: ${m.text()}`));
  const username = uniqueName('nomail');
  const password = 'a long enough password';
  const noMail = async (where: ReturnType<Page['getByTestId']>) => {
    await where.getByRole('link', { name: '/dev/mail' }).waitFor();
    expect(await where.textContent()).toMatch(/no e-mail was sent: .* is in the development outbox at \/dev\/mail\./);
  };

  // Sign-up: the next page says where the verification link is.
  await page.goto(`${agora.url}/signup`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('E-mail address').fill(`${username}@example.org`);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByTestId('whoami').waitFor();
  await noMail(page.getByTestId('flash'));
  expect(await page.getByTestId('flash').textContent()).toContain(`Welcome to Agora, ${username}!`);

  // The account page: a new link, then a new address.
  await page.goto(`${agora.url}/account`);
  await page.getByTestId('account-resend').click();
  await noMail(page.getByTestId('account-resend-outcome'));
  await page.getByLabel('New e-mail address').fill(`${username}@example.net`);
  await page.locator('#email-current-password').fill(password);
  await page.getByRole('button', { name: 'Change e-mail address' }).click();
  await noMail(page.getByTestId('email-outcome'));

  // A reset, asked for the address the account has now; the link opens the outbox as a whole page.
  await page.goto(`${agora.url}/forgot-password`);
  await page.getByLabel('E-mail address').fill(`${username}@example.net`);
  await page.getByRole('button', { name: 'Send me a link' }).click();
  const status = page.getByTestId('forgot-status');
  await noMail(status);
  // Mails are written just after their answers: the outbox page is read once they are kept.
  await eventually(async () => {
    const subjects = ((await request(agora.url).get('/dev/mail.json')).body.items as { to: string; subject: string }[])
      .filter((m) => m.to.includes(username)).map((m) => m.subject);
    expect(subjects.filter((s) => s === 'Reset your Agora password')).toHaveLength(1);
    expect(subjects.filter((s) => s === 'Confirm your e-mail address for Agora')).toHaveLength(3);
  }, { what: 'the reset mail and the three verification mails are in the outbox' });
  await status.getByRole('link', { name: '/dev/mail' }).click();
  await page.getByRole('heading', { name: 'Development outbox' }).waitFor();
  expect(new URL(page.url()).pathname).toBe('/dev/mail');
  await page.getByRole('article', { name: 'Reset your Agora password' }).first().waitFor();
  expect(await page.getByRole('article', { name: 'Confirm your e-mail address for Agora' }).count()).toBe(3); // sign-up, resend, new address
  expect(problems).toEqual([]);
  await context.close();
});
