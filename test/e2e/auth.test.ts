import type { Browser, Page } from 'playwright-core';
import { startAgora, type Running } from '../helpers/agora.js';
import { artifact, launchBrowser } from '../helpers/browser.js';
import { uniqueName } from '../helpers/http.js';

let agora: Running;
let browser: Browser;
beforeAll(async () => {
  agora = await startAgora();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await agora?.close();
});

async function watchPage(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  // 4xx answers are expected here (wrong password, 401 before sign-in); anything else is a problem.
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(`console: ${m.text()}`));
  return problems;
}

test('a visitor signs up, signs out and signs in again through the web pages', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = await watchPage(page);
  const username = uniqueName('web');
  const password = 'a long enough password';

  await page.goto(`${agora.url}/`);
  await page.getByRole('link', { name: 'Sign up' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('E-mail address').fill(`${username}@example.com`);
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  // The error sits next to the field it concerns.
  await page.locator('#password-error').waitFor();
  expect(await page.locator('#password-error').textContent()).toBe('Needs at least 10 characters.');
  expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');

  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByTestId('whoami').waitFor();
  expect(await page.getByTestId('whoami').textContent()).toContain(username);

  await page.getByRole('button', { name: 'Sign out' }).click();
  const nav = page.getByRole('navigation', { name: 'Account' });
  await nav.getByRole('link', { name: 'Sign in' }).waitFor();
  expect(await page.getByTestId('whoami').count()).toBe(0);

  await nav.getByRole('link', { name: 'Sign in' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('not the password');
  await page.keyboard.press('Enter');
  await page.locator('.form-error').waitFor();
  expect(await page.locator('.form-error').textContent()).toMatch(/not right/);

  await page.getByLabel('Password').fill(password);
  await page.keyboard.press('Enter');
  await page.getByTestId('whoami').waitFor();
  expect(await page.getByTestId('whoami').textContent()).toContain(username);

  // Still signed in after a reload: the session cookie carries it.
  await page.reload();
  await page.getByTestId('whoami').waitFor();
  await page.screenshot({ path: artifact('auth-signed-in.png'), fullPage: true });
  expect(problems).toEqual([]);
  await context.close();
});
