import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startAgora, type Running } from '../helpers/agora.js';
import { artifact, expectFocus, expectTitle, launchBrowser, pressAndKeepFocus, signInThroughPage } from '../helpers/browser.js';
import { signedIn, uniqueName, type Client } from '../helpers/http.js';
import { createAccount } from '../../server/auth/service.js';

// The admin pages as an admin uses them: no shell, no API calls by hand.

let agora: Running;
let browser: Browser;
let api: Client;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  agora = await startAgora();
  browser = await launchBrowser();
  api = await signedIn(agora.url, agora.stores.users, 'admin');
});
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await agora?.close();
});

async function signInPage(role: 'member' | 'admin') {
  const signed = await signInThroughPage(browser, agora, role);
  contexts.push(signed.context);
  return signed;
}
const account = (base: string) => createAccount(agora.stores.users, { username: uniqueName(base), email: 'x@example.com', password: 'a fine long password', role: 'member' });
const userRow = (page: Page, username: string) => page.locator(`[data-testid="admin-user"][data-username="${username}"]`);
const forumOrder = (page: Page) => page.getByTestId('admin-forum').evaluateAll((els) => els.map((e) => e.getAttribute('data-forum-id')));

async function find(page: Page, name: string, banned: '' | 'true' | 'false' = '') {
  await page.getByLabel('Name contains').fill(name);
  await page.getByLabel('Banned', { exact: true }).selectOption(banned);
  await page.getByRole('search', { name: 'Find users' }).getByRole('button', { name: 'Search' }).click();
  await userRow(page, name).waitFor();
  expect(await page.getByTestId('admin-user').count()).toBe(1);
}

test('an admin finds members, makes one a moderator, bans and unbans another, renames, reorders and archives a forum; a member then cannot post there and sees why', async () => {
  const helper = await account('helper');
  const troll = await account('troll');
  const first = (await api.post('/api/forums', { slug: 'admin-first', title: 'First forum' })).body.forum as { id: string };
  const threadId = (await api.post(`/api/forums/${first.id}/threads`, { title: 'Old news', body: 'Kept for the record.' })).body.thread.id as string;

  // Members get no link to the admin pages, and the page itself tells them why it stays shut.
  const member = await signInPage('member');
  expect(await member.page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Admin', exact: true }).count()).toBe(0);
  await member.page.goto(`${agora.url}/admin`);
  expect(await member.page.getByTestId('admin-not-allowed').textContent()).toContain('only for administrators');

  const admin = await signInPage('admin');
  const { page } = admin;
  await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Admin', exact: true }).click();
  await page.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
  await expectTitle(page, 'Administration · Agora');

  // Make the helper a moderator.
  await find(page, helper.username);
  const helperRow = userRow(page, helper.username);
  await helperRow.getByLabel(`Role of ${helper.username}`, { exact: true }).selectOption('moderator');
  await helperRow.getByRole('button', { name: 'Change role' }).click();
  await helperRow.getByText(`${helper.username} is now a moderator.`).waitFor();
  expect((await agora.stores.users.get(helper.id))!.role).toBe('moderator');

  // Ban the troll with a reason and a last day; then find them among the banned and unban them.
  await find(page, troll.username);
  const trollRow = userRow(page, troll.username);
  await trollRow.getByRole('button', { name: `Ban ${troll.username}…` }).click();
  await trollRow.getByRole('button', { name: `Ban ${troll.username}`, exact: true }).click();
  await trollRow.getByText('Give a reason for the ban.').waitFor();
  await trollRow.getByLabel('Reason for the ban').fill('Insults in every thread');
  await trollRow.getByLabel('Last day of the ban (optional)').fill('2099-12-31');
  await trollRow.getByRole('button', { name: `Ban ${troll.username}`, exact: true }).click();
  await trollRow.getByText(`${troll.username} is banned until`).waitFor();
  expect((await agora.stores.users.get(troll.id))!.ban).toMatchObject({ reason: 'Insults in every thread', until: expect.stringMatching(/^2099-12-3[01]T/) });
  await find(page, troll.username, 'true');
  expect(await userRow(page, troll.username).textContent()).toContain('banned');
  await userRow(page, troll.username).getByRole('button', { name: `Unban ${troll.username}` }).click();
  await userRow(page, troll.username).getByText(`${troll.username} is no longer banned.`).waitFor();
  expect((await agora.stores.users.get(troll.id))!.ban).toBeNull();

  // Forums: create one, rename the first, move the new one above it, archive the first.
  await page.getByLabel('Short name').fill('admin-second');
  await page.getByLabel('Title', { exact: true }).last().fill('Second forum');
  await page.getByRole('button', { name: 'Create forum' }).click();
  await page.getByTestId('admin-forums-message').getByText('Second forum is created.').waitFor();
  const second = (await agora.stores.forum.listForums()).find((f) => f.slug === 'admin-second')!;
  expect(await forumOrder(page)).toEqual([first.id, second.id]);

  await page.getByRole('button', { name: 'Edit First forum' }).click();
  await page.locator(`#admin-forum-${first.id}-edit-title`).fill('Announcements (old)');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByTestId('admin-forums-message').getByText('Announcements (old) is saved.').waitFor();

  await page.getByRole('button', { name: 'Move up: Second forum' }).click();
  await page.getByTestId('admin-forums-message').getByText('Second forum moved to place 1.').waitFor();
  expect(await forumOrder(page)).toEqual([second.id, first.id]);

  await page.getByRole('button', { name: 'Archive Announcements (old)' }).click();
  await page.getByTestId('admin-forums-message').getByText('Announcements (old) is archived: it is read-only now.').waitFor();
  await page.getByRole('button', { name: 'Unarchive Announcements (old)' }).waitFor();
  await page.screenshot({ path: artifact('admin-page.png'), fullPage: true });

  // The audit log says it all in words.
  await page.goto(`${agora.url}/mod`);
  await page.getByTestId('audit-entry').first().waitFor();
  const audit = (await page.getByTestId('audit-entry').allTextContents()).join('\n');
  for (const words of ['role changed', 'member → moderator', 'user banned', 'user unbanned', 'forum created', 'short name "admin-second", title "Second forum"', 'forum changed', 'title "First forum" → "Announcements (old)"', 'moved to place 1', 'archived']) {
    expect(audit).toContain(words);
  }

  // The member reads the forum list in its new order, the archived forum and its thread, and is told why they cannot write.
  await member.page.goto(`${agora.url}/`);
  await member.page.getByText('Announcements (old)').waitFor();
  const titles = await member.page.locator('ul.cards li a strong').allTextContents();
  expect(titles.indexOf('Second forum')).toBeLessThan(titles.indexOf('Announcements (old)'));
  await member.page.goto(`${agora.url}/f/${first.id}`);
  await member.page.getByTestId('archived-notice').waitFor();
  expect(await member.page.getByRole('heading', { name: 'Start a thread' }).count()).toBe(0);
  await member.page.goto(`${agora.url}/t/${threadId}`);
  await member.page.getByText('Kept for the record.').waitFor();
  await member.page.getByTestId('archived-notice').waitFor();
  expect(await member.page.getByTestId('archived-notice').textContent()).toContain('read-only');
  expect(await member.page.getByRole('heading', { name: 'Reply' }).count()).toBe(0);
  expect([...member.problems, ...admin.problems]).toEqual([]);
});

test('with the keyboard, Change role keeps the focus (and refuses the role a member has), and "Show more users" hands it to the first user it brought', async () => {
  const crowd = uniqueName('crowd');
  const members: { id: string; username: string }[] = [];
  for (let i = 0; i < 25; i++) members.push(await createAccount(agora.stores.users, { username: `${crowd}${String(i).padStart(2, '0')}`, email: 'x@example.com', password: 'a fine long password', role: 'member' }));
  const admin = await signInPage('admin');
  const { page } = admin;
  await page.goto(`${agora.url}/admin`);
  await page.getByLabel('Name contains').fill(crowd);
  await page.getByRole('search', { name: 'Find users' }).getByRole('button', { name: 'Search' }).click();
  const rows = page.getByTestId('admin-user');
  await rows.nth(19).waitFor(); // a page is 20
  expect(await rows.count()).toBe(20);

  // The button stays, the role now being the one picked: it keeps the focus, and says it has nothing to do.
  const first = userRow(page, members[0]!.username);
  await first.getByLabel(`Role of ${members[0]!.username}`, { exact: true }).selectOption('moderator');
  const change = first.getByRole('button', { name: 'Change role' });
  expect(await pressAndKeepFocus(page, change, () => first.getByText(`${members[0]!.username} is now a moderator.`).waitFor())).toBe('Change role');
  expect(await change.getAttribute('aria-disabled')).toBe('true');
  expect((await agora.stores.users.get(members[0]!.id))!.role).toBe('moderator');

  await page.getByRole('button', { name: 'Show more users' }).press('Enter');
  await rows.nth(24).waitFor();
  // The button is gone with the last page; the focus is on the first user it brought, not the page.
  await page.getByRole('button', { name: 'Show more users' }).waitFor({ state: 'detached' });
  await expectFocus(page, `[data-testid="admin-user"][data-username="${members[20]!.username}"]`);
  expect(admin.problems).toEqual([]);
});

test('a search made while the first list still loads is not lost: its answer stays, whenever the first list answers', async () => {
  const wanted = await account('wanted');
  const admin = await signInPage('admin');
  const { page } = admin;
  // The first list (no filter) is held until the search has answered.
  let releaseFirst!: () => void;
  const firstHeld = new Promise<void>((resolve) => { releaseFirst = resolve; });
  let firstArrived!: () => void;
  const firstSeen = new Promise<void>((resolve) => { firstArrived = resolve; });
  await page.route('**/api/admin/users?*', async (route) => {
    if (new URL(route.request().url()).searchParams.get('query')) return route.continue();
    firstArrived();
    await firstHeld;
    return route.continue();
  });
  await page.goto(`${agora.url}/admin`);
  await firstSeen;
  await page.getByLabel('Name contains').fill(wanted.username);
  await page.getByRole('search', { name: 'Find users' }).getByRole('button', { name: 'Search' }).click();
  await userRow(page, wanted.username).waitFor();
  releaseFirst();
  // The first list's answer came later: the search's stays.
  await page.waitForResponse((r) => r.url().includes('/api/admin/users?') && !new URL(r.url()).searchParams.get('query'));
  await page.evaluate(() => new Promise((r) => (globalThis as unknown as { requestAnimationFrame(f: () => void): void }).requestAnimationFrame(() => r(null))));
  expect(await page.getByTestId('admin-user').count()).toBe(1);
  expect(admin.problems).toEqual([]);
});
