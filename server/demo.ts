import { randomBytes } from 'node:crypto';
import type { UserStore } from './store/users.js';
import { createAccount } from './auth/service.js';
import type { Role } from './store/users.js';

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
