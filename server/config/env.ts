import { z } from 'zod';

/*
 * Every environment variable Agora reads, declared once: its type and bounds, its default and what
 * it means. `loadConfig` (../config.ts) validates the environment with this schema, and
 * `npm run docs:config` writes README's configuration table from it, so the two cannot drift.
 */

declare module 'zod' {
  interface GlobalMeta {
    /** README's default column, where the real default is decided at start-up (see loadConfig). */
    shownDefault?: string;
    /** Said after the default in README, e.g. the minutes in days. */
    defaultNote?: string;
  }
}

const intFrom = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development')
    .meta({ description: '`production` requires `REDIS_URL`, `SESSION_SECRET` and `SMTP_URL`, and sets secure cookies' }),
  PORT: intFrom(3000, 0, 65535).meta({ description: 'HTTP port' }),
  HOST: z.string().min(1).default('0.0.0.0').meta({ description: 'address to listen on' }),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional()
    .meta({ description: 'Redis (or Redis Cluster seed) URL, `redis://` or `rediss://`; unset: the in-memory store (not allowed in production)' }),
  REDIS_CLUSTER: z.enum(['0', '1']).default('0').meta({ description: '`1` when `REDIS_URL` is a Redis Cluster seed node' }),
  REDIS_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/).default('agora:').meta({ description: 'prefix of every key Agora writes' }),
  SESSION_SECRET: z.string().min(32).optional().meta({
    shownDefault: 'development-only value',
    description: 'signs session cookies; also keys the opt-out fingerprints unless `OPTOUT_SECRET` is set. No default in production',
  }),
  OPTOUT_SECRET: z.string().min(32).optional().meta({
    shownDefault: '`SESSION_SECRET`',
    description: 'keys the opt-out fingerprints; must never change (a new secret voids earlier opt-outs and opt-out links)',
  }),
  TRUST_PROXY: z.string().optional()
    .meta({ description: 'express `trust proxy` value (`1`, `loopback`, an address list, `true`) when TLS ends at a proxy that sets `X-Forwarded-Proto`' }),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional().meta({
    shownDefault: '`http://localhost:$PORT`',
    description: 'base URL used in links inside emails; its origin is the only `Origin` a socket handshake may carry (unset: the request\'s `Host`; set it behind a proxy that rewrites `Host`)',
  }),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional().meta({
    description: 'e.g. `smtp://user:pass@host:587`; required in production. Unset elsewhere: nothing is e-mailed, every message is kept in memory and listed at `/dev/mail`',
  }),
  MAIL_FROM: z.string().min(3).default('Agora <no-reply@agora.localhost>').meta({ description: 'sender of every e-mail (invites, verification and password-reset links, notices, notifications and digests)' }),
  COMPANY_POSTAL_ADDRESS: z.string().min(3).default('Agora Inc., 1 Example Street, Springfield')
    .meta({ defaultNote: 'a placeholder', description: 'printed in the footer of every e-mail' }),
  REFERRAL_DAILY_LIMIT: intFrom(10, 1, 1_000_000).meta({ description: 'referrals per member per day' }),
  REFERRAL_IP_DAILY_LIMIT: intFrom(30, 1, 100_000).meta({ description: 'referrals per client address per day' }),
  POST_RATE_PER_MINUTE: intFrom(10, 1, 1_000_000).meta({ description: 'posts and edits per member per minute' }),
  SEARCH_RATE_PER_MINUTE: intFrom(60, 1, 1_000_000)
    .meta({ description: 'searches (`GET /api/search`) per client address per minute; the search box asks once typing pauses' }),
  SEARCH_SNAPSHOT_SECONDS: intFrom(300, 5, 86_400)
    .meta({ description: 'on Redis, how often one process stores a snapshot of the search index (while posts change) for new processes to load' }),
  PREVIEW_RATE_PER_MINUTE: intFrom(120, 1, 1_000_000)
    .meta({ description: 'previews (`POST /api/preview`) per member per minute; the composer asks for one 250 ms after typing stops' }),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: intFrom(5, 1, 1_000_000).meta({
    description: 'failed logins per account per window before 429; wrong current passwords in `PATCH`/`DELETE /api/me` count too, and a successful login does not clear earlier failures',
  }),
  LOGIN_MAX_FAILURES_PER_IP: intFrom(50, 1, 1_000_000).meta({ description: 'failed logins per client address per window before 429' }),
  LOGIN_WINDOW_SECONDS: intFrom(900, 1, 86_400).meta({ description: 'the login throttling window, from the first attempt counted' }),
  PASSWORD_RESET_PER_ADDRESS_PER_HOUR: intFrom(3, 1, 1_000_000)
    .meta({ description: 'password-reset requests per e-mail address per hour, counted whether or not an account has it' }),
  PASSWORD_RESET_PER_IP_PER_HOUR: intFrom(20, 1, 1_000_000).meta({ description: 'password-reset requests per client address per hour' }),
  REGISTER_PER_IP_PER_HOUR: intFrom(20, 1, 1_000_000).meta({ description: 'sign-ups per client address per hour' }),
  REQUIRE_VERIFIED_EMAIL: z.enum(['0', '1']).default('0')
    .meta({ description: '`1`: posting, editing, flagging and referring answer 403 `email_unverified` until the member has verified their address' }),
  VERIFY_EMAIL_RESENDS_PER_HOUR: intFrom(3, 1, 1_000).meta({ description: 'verification e-mails a member may ask to be sent again per hour' }),
  NOTIFY_EMAIL_DELAY_SECONDS: intFrom(300, 0, 7 * 86_400)
    .meta({ description: 'how long a notification stays unread before it is e-mailed (if the member wants e-mail for its kind); read by then, nothing is sent' }),
  JOB_RETRY_DELAY_MS: intFrom(10_000, 10, 3_600_000)
    .meta({ description: 'wait before a failed background job (an e-mail the mail server refused) is tried again; doubled each time, 6 attempts in all' }),
  HOLD_FIRST_POSTS: intFrom(0, 0, 1000).meta({ description: 'hold the first N posts of a new account for review' }),
  HOLD_ACKNOWLEDGED_PII: z.string().default('')
    .meta({ description: 'comma-separated personal-data types whose acknowledged posts are held for review' }),
  FLAGS_TO_HIDE: intFrom(3, 1, 1000).meta({ description: 'flags from distinct members that hide a post for review' }),
  FLAG_DAILY_LIMIT: intFrom(20, 1, 1_000_000).meta({ description: 'flags per member per day' }),
  THREAD_LOG_SIZE: intFrom(500, 10, 100_000).meta({ description: 'events kept per thread for clients catching up after a reconnect' }),
  SESSION_IDLE_MINUTES: intFrom(7 * 24 * 60, 5, 366 * 24 * 60)
    .meta({ defaultNote: '7 days', description: 'a session ends after this long without a request' }),
  SESSION_ABSOLUTE_MINUTES: intFrom(30 * 24 * 60, 5, 366 * 24 * 60)
    .meta({ defaultNote: '30 days', description: 'a session ends this long after sign-in, whatever happens' }),
  PASSWORD_SCRYPT_N: z.coerce.number().int().min(1024).max(1_048_576).refine((n) => (n & (n - 1)) === 0, 'a power of two')
    .default(16384).meta({ description: 'scrypt cost (a power of two) of new password hashes; a hash keeps its own cost, so raising it later is safe. Less than 16384 only with `NODE_ENV=test` (the test suite)' }),
  SOCKET_MAX_WATCHES: intFrom(100, 1, 100_000).meta({ description: 'threads and forums one socket may watch at once' }),
  SOCKET_MAX_PER_ADDRESS: intFrom(50, 1, 1_000_000).meta({ description: 'open sockets per client address, per process' }),
  SOCKET_EVENTS_PER_SECOND: intFrom(10, 1, 100_000).meta({ description: 'sustained client → server socket events per socket' }),
  SOCKET_EVENT_BURST: intFrom(40, 1, 1_000_000).meta({ description: 'socket events one socket may send at once before the rate applies' }),
  PII_SEVERITY: z.string().default('')
    .meta({ shownDefault: '`EMAIL`, `PHONE`, `IP_ADDRESS` warn; the rest sensitive', description: 'per-type overrides, `TYPE:LEVEL` with levels `warn`, `sensitive`, `block`, `off`, e.g. `EMAIL:off,PHONE:sensitive,SECRET:block`' }),
  DEMO_ACCOUNTS: z.enum(['0', '1']).optional()
    .meta({ shownDefault: '`1` in development without Redis', description: 'create the demo accounts at start-up (never in production)' }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').meta({ description: 'pino level' }),
  // Empty means unset (an env file's `METRICS_TOKEN=`); a set token must be long enough not to guess.
  METRICS_TOKEN: z.union([z.literal(''), z.string().min(16, 'expected at least 16 characters')]).optional()
    .meta({ description: 'when set, `/metrics` needs `Authorization: Bearer <token>`' }),
});

export type Env = z.output<typeof envSchema>;
