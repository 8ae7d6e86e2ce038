import type { Browser } from 'playwright-core';
import { startAgora, type Running } from '../helpers/agora.js';
import { artifact, expectTitle, launchBrowser, type SignedInPage, signInThroughPage } from '../helpers/browser.js';
import { eventually } from '../helpers/eventually.js';
import { unusedPort } from '../helpers/smtp.js';
import type { OutboxMessage } from '../../server/mail/index.js';

// A member who forgot their password, in a real browser: from the sign-in page to the link in the
// e-mail (read from the development outbox, no SMTP_URL here), a new password, and signing in
// with it; the tab that was signed in meanwhile is signed out.

let agora: Running;
let browser: Browser;
const contexts: SignedInPage[] = [];

beforeAll(async () => {
  // Links in e-mails start with PUBLIC_URL: here it is this very server.
  const port = await unusedPort();
  agora = await startAgora({ port, env: { PUBLIC_URL: `http://127.0.0.1:${port}` } });
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const c of contexts) await c.context.close();
  await browser?.close();
  await agora?.close();
});

test('a member asks for a link from the sign-in page, opens it, sets a new password and signs in with it', async () => {
  const signedIn = await signInThroughPage(browser, agora);
  contexts.push(signedIn);
  const { username } = signedIn;
  const email = `${username}@example.com`;

  const visitor = await browser.newContext();
  const page = await visitor.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(`console: ${m.text()}`));
  try {
    await page.goto(`${agora.url}/signin`);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
    await page.getByLabel('E-mail address').fill(email);
    await page.getByRole('button', { name: 'Send me a link' }).click();
    // No mail server here: the page says so, and where the link is instead.
    await page.getByTestId('forgot-status').getByText(/no e-mail was sent: if an account has this address, the link to choose a new password/).waitFor();
    await page.getByTestId('forgot-status').getByRole('link', { name: '/dev/mail' }).waitFor();

    const mail = await eventually(async () => {
      const { items } = (await (await fetch(`${agora.url}/dev/mail.json`)).json()) as { items: OutboxMessage[] };
      return items.find((m) => m.to === email) ?? false;
    }, { what: 'the reset mail is in the outbox' });
    const link = /http:\/\/127\.0\.0\.1:\d+\/reset\/[A-Za-z0-9_-]{43}/.exec(mail.text)![0];

    // Nothing the reset page asks for may carry its address (and so the token) in a Referer.
    const referers: string[] = [];
    page.on('request', (r) => referers.push(r.headers()['referer'] ?? ''));
    const opened = await page.goto(link);
    expect(opened!.headers()['referrer-policy']).toBe('no-referrer');
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await expectTitle(page, 'Choose a new password · Agora');
    await page.getByLabel('New password', { exact: true }).fill('my brand new password');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByRole('heading', { name: 'Your password is changed' }).waitFor();
    await page.screenshot({ path: artifact('password-reset-done.png'), fullPage: true });
    expect(referers.filter((r) => r.includes('/reset/'))).toEqual([]);

    // The tab that was signed in is signed out at its next request.
    await signedIn.page.reload();
    await signedIn.page.getByRole('link', { name: 'Sign in' }).first().waitFor();

    await page.getByRole('link', { name: 'Sign in with your new password' }).click();
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill('my brand new password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('whoami').waitFor();
    expect(await page.getByTestId('whoami').textContent()).toContain(username);
    expect(problems).toEqual([]);
  } finally {
    await visitor.close();
  }
});

test('a used link says so and offers a new one', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${agora.url}/reset/${'A'.repeat(43)}`);
    await page.getByLabel('New password', { exact: true }).fill('another long password');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByRole('alert').getByText(/not valid any more/).waitFor();
    await page.getByRole('link', { name: 'Ask for a new link' }).click();
    await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
  } finally {
    await context.close();
  }
});
