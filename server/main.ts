import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './log.js';
import { createStores } from './store/index.js';
import { buildAgora } from './app.js';
import { DEV_MAIL_PATH, usesDevOutbox } from './mail/index.js';
import { createDemoAccounts, createDemoForums } from './demo.js';
import { gracefulShutdown } from './http/graceful.js';

function fail(message: string): never {
  process.stderr.write(`agora: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  const logger = createLogger(config.logLevel);
  let stores;
  try {
    stores = await createStores({ redisUrl: config.redisUrl, cluster: config.redisCluster, keyPrefix: config.keyPrefix, secret: config.sessionSecret, threadLogSize: config.threadLogSize, logger });
  } catch (err) {
    fail((err as Error).message);
  }
  const agora = buildAgora({ config, stores, logger });
  const server = createServer(agora.app);
  const http = gracefulShutdown(server);
  agora.attach(server);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const out: string[] = [`Agora listening on ${listeningAt(server, config.host)} (${config.env})`];
  if (config.publicUrl !== `http://localhost:${config.port}`) out.push(`Public URL (links in e-mails): ${config.publicUrl}`);
  out.push(stores.kind === 'memory'
    ? 'Storage: in memory only. Every account and post is lost when the process stops; set REDIS_URL to keep them.'
    : `Storage: Redis (key prefix ${config.keyPrefix}).`);
  // Behind a TLS proxy without TRUST_PROXY, express sees plain HTTP and never sets the Secure session
  // cookie: sign-in answers 200 and nobody stays signed in. Say so where the operator looks.
  if (config.isProduction && config.trustProxy === undefined) out.push('Warning: TRUST_PROXY is not set. Behind a TLS proxy set it (e.g. TRUST_PROXY=1), or no session cookie is set and nobody stays signed in.');
  if (usesDevOutbox(config)) out.push(`Mail: no SMTP_URL, so nothing is e-mailed: every message is kept in memory and listed at ${config.publicUrl}${DEV_MAIL_PATH}.`);
  if (config.demoAccounts && !config.isProduction) {
    const forums = await createDemoForums(stores.forum);
    if (forums) out.push(`Demo forums: ${forums} created.`);
    const made = await createDemoAccounts(stores.users);
    if (made.length) {
      out.push('Demo accounts (development only; the passwords are shown this once):');
      for (const a of made) out.push(`  ${a.username.padEnd(10)} ${a.role.padEnd(10)} password: ${a.password}`);
    }
  }
  // Start-up notes go to stdout for the operator, not into the structured log (they may hold demo passwords).
  process.stdout.write(out.join('\n') + '\n');
  logger.info({ port: config.port, store: stores.kind }, 'agora started');
  void agora.search.whenReady().then(() => logger.info({ posts: agora.search.engine.size, from: agora.search.loadedFrom }, 'search index ready'));

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Stop accepting, let in-flight requests finish, close sockets, then Redis.
    const force = setTimeout(() => {
      logger.warn('shutdown took too long; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    // socket.io first (it disconnects every socket), then HTTP: in-flight requests finish.
    void agora.close();
    void http.stop().then(async () => {
      await stores.close().catch(() => {});
      logger.info('stopped');
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`agora: failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});

/**
 * Where the server really listens (the port the OS gave for PORT=0): the host as HOST says, and for a
 * wildcard address (every interface) the name a browser on this machine can open.
 */
function listeningAt(server: { address(): string | AddressInfo | null }, host: string): string {
  const a = server.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  const wildcard = host === '0.0.0.0' || host === '::';
  const name = wildcard ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}${wildcard ? ' (all interfaces)' : ''}`;
}
