// Creates an account from the command line, in any environment (memory only makes sense with REDIS_URL).
//   npm run user:create -- --username NAME --email ADDRESS --role member|moderator|admin
// The password is the first line of standard input when it is not a terminal, else it is prompted for.
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../server/config.js';
import { createLogger } from '../server/log.js';
import { createStores } from '../server/store/index.js';
import { createAccount, UsernameTakenError } from '../server/auth/service.js';
import { usePasswordCost } from '../server/auth/password.js';
import { emailSchema, passwordSchema, roleSchema, usernameSchema } from '../shared/schemas/index.js';

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin });
    for await (const line of rl) {
      rl.close();
      return line;
    }
    return '';
  }
  // A terminal: prompt without echoing what is typed.
  process.stdout.write('Password: ');
  process.stdin.setRawMode(true);
  return new Promise((resolve) => {
    let pw = '';
    process.stdin.on('data', (buf) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          process.stdin.setRawMode(false);
          process.stdin.pause();
          process.stdout.write('\n');
          return resolve(pw);
        }
        if (ch === '\u0003') process.exit(130);
        if (ch === '\u007f') pw = pw.slice(0, -1);
        else pw += ch;
      }
    });
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { username: { type: 'string' }, email: { type: 'string' }, role: { type: 'string', default: 'member' } } });
  const args = z.object({ username: usernameSchema, email: emailSchema, role: roleSchema }).safeParse(values);
  if (!args.success) {
    const i = args.error.issues[0]!;
    process.stderr.write(`user:create: --${String(i.path[0])}: ${i.message}\nusage: npm run user:create -- --username NAME --email ADDRESS --role member|moderator|admin\n`);
    return 2;
  }
  const config = loadConfig();
  usePasswordCost(config.passwordScryptN);
  if (!config.redisUrl) process.stderr.write('user:create: warning: REDIS_URL is not set, so the account lives only in this process and is lost at exit.\n');
  const password = await readPassword();
  const pw = passwordSchema.safeParse(password);
  if (!pw.success) {
    process.stderr.write(`user:create: password: ${pw.error.issues[0]!.message}\n`);
    return 2;
  }
  const logger = createLogger('warn');
  const stores = await createStores({ redisUrl: config.redisUrl, cluster: config.redisCluster, keyPrefix: config.keyPrefix, secret: config.sessionSecret, logger });
  try {
    // The operator typed the address and vouches for it: no link to follow (documented in README).
    const user = await createAccount(stores.users, { ...args.data, password: pw.data, emailVerified: true });
    process.stdout.write(`Created ${user.role} ${user.username} (id ${user.id}).\n`);
    return 0;
  } catch (err) {
    if (err instanceof UsernameTakenError) {
      process.stderr.write('user:create: that username is taken.\n');
      return 1;
    }
    throw err;
  } finally {
    await stores.close();
  }
}

main().then((code) => process.exit(code), (err) => {
  process.stderr.write(`user:create: ${err instanceof ConfigError ? err.message : (err as Error).message}\n`);
  process.exit(1);
});
