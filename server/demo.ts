import { randomBytes } from 'node:crypto';
import type { UserStore } from './store/users.js';
import { createAccount } from './auth/service.js';
import type { Role } from './store/users.js';
import type { ForumStore } from './store/forum.js';
import { newId } from './store/ids.js';

const DEMO: { username: string; role: Role }[] = [
  { username: 'admin', role: 'admin' },
  { username: 'moderator', role: 'moderator' },
  { username: 'member', role: 'member' },
];

/**
 * Development only: demo accounts with one-time passwords, printed once at start-up and never
 * logged. They are created only where no account of that name exists yet.
 */
export async function createDemoAccounts(users: UserStore): Promise<{ username: string; role: Role; password: string }[]> {
  const made: { username: string; role: Role; password: string }[] = [];
  for (const d of DEMO) {
    if (await users.findByUsername(d.username)) continue;
    const password = randomBytes(9).toString('base64url');
    await createAccount(users, { username: d.username, email: `${d.username}@agora.localhost`, password, role: d.role });
    made.push({ ...d, password });
  }
  return made;
}

const DEMO_FORUMS = [
  { slug: 'announcements', title: 'Announcements', description: 'News from the team.' },
  { slug: 'help', title: 'Help and support', description: 'Ask the community and our staff.' },
  { slug: 'ideas', title: 'Ideas', description: 'What should we build next?' },
];

/** Development only: a few forums so a fresh `npm start` has somewhere to post. */
export async function createDemoForums(forum: ForumStore): Promise<number> {
  if ((await forum.listForums()).length) return 0;
  let n = 0;
  for (const f of DEMO_FORUMS) {
    if (await forum.createForum({ id: newId(), ...f, createdAt: new Date(Date.now() + n).toISOString() })) n++;
  }
  return n;
}
