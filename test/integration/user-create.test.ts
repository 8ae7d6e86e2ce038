import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { cleanRedis, makeStores, REDIS_URL, testPrefix } from '../helpers/agora.js';
import { verifyPassword } from '../../server/auth/password.js';
import { PROCESS_START_MS } from '../helpers/process.js';
import { entryArgs } from '../helpers/entry.js';

const root = path.resolve(__dirname, '../..');
const prefix = testPrefix();
afterAll(() => cleanRedis(prefix));

// Each test runs the command twice, each run bounded by PROCESS_START_MS (tsx may compile on the way).
const TWO_RUNS = 2 * PROCESS_START_MS + 10_000;

const run = (args: string[], input: string) =>
  spawnSync(process.execPath, [...entryArgs('scripts/user-create'), ...args], {
    cwd: root, input, encoding: 'utf8', timeout: PROCESS_START_MS,
    env: { PATH: process.env.PATH, REDIS_URL, REDIS_KEY_PREFIX: prefix, NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), SMTP_URL: 'smtp://127.0.0.1:25' },
  });

test('user:create makes a moderator in Redis with the password from the first line of stdin', async () => {
  const r = run(['--username', 'alice_mod', '--email', 'alice@example.com', '--role', 'moderator'], 'a very good password\nignored line\n');
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^Created moderator alice_mod \(id [A-Za-z0-9_-]{16}\)\.\n$/);
  const stores = await makeStores('redis', prefix);
  try {
    const u = await stores.users.findByUsername('ALICE_MOD');
    expect(u).toMatchObject({ role: 'moderator', email: 'alice@example.com' });
    expect(await verifyPassword('a very good password', u!.passwordHash)).toBe(true);
  } finally {
    await stores.close();
  }
  const again = run(['--username', 'Alice_Mod', '--email', 'a@example.com', '--role', 'member'], 'another good password\n');
  expect(again.status).toBe(1);
  expect(again.stderr).toContain('taken');
}, TWO_RUNS);

test('user:create refuses a bad role or a short password with a clear message', () => {
  const role = run(['--username', 'bob_x', '--email', 'bob@example.com', '--role', 'king'], 'a very good password\n');
  expect(role.status).toBe(2);
  expect(role.stderr).toMatch(/--role/);
  const pw = run(['--username', 'bob_x', '--email', 'bob@example.com', '--role', 'member'], 'short\n');
  expect(pw.status).toBe(2);
  expect(pw.stderr).toMatch(/password/);
}, TWO_RUNS);
