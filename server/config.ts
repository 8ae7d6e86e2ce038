import { z } from 'zod';
import { DEFAULT_SEVERITY, PII_TYPES, type PiiSeverity, type PiiType } from '../shared/pii/index.js';
import { envSchema, type Env } from './config/env.js';
import { PASSWORD_SCRYPT_N } from './auth/password.js';

/** A start-up configuration problem: main prints `message` (one line) and exits non-zero. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const severity = z.enum(['warn', 'sensitive', 'block', 'off']);

/** express's `trust proxy` setting: hop count, all or none, or an address list / named range. */
type TrustProxy = boolean | number | string | undefined;

function parseTrustProxy(v: string | undefined): TrustProxy {
  if (v === undefined || v === '') return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v; // an address list or a named range such as "loopback", as express accepts
}

function parseTypeList(name: string, raw: string): ReadonlySet<PiiType> {
  const out = new Set<PiiType>();
  for (const part of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!(PII_TYPES as readonly string[]).includes(part)) {
      throw new ConfigError(`${name}: "${part}" is not a personal-data type; expected a comma-separated list of ${PII_TYPES.join(', ')}`);
    }
    out.add(part as PiiType);
  }
  return out;
}

/** `PII_SEVERITY=EMAIL:off,PHONE:sensitive` overrides the default severity per type. */
function parseSeverities(raw: string): Record<PiiType, PiiSeverity> {
  const out: Record<PiiType, PiiSeverity> = { ...DEFAULT_SEVERITY };
  for (const part of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [type, level] = part.split(':').map((s) => s.trim());
    if (!type || !(PII_TYPES as readonly string[]).includes(type) || !severity.safeParse(level).success) {
      throw new ConfigError(`PII_SEVERITY: "${part}" is not TYPE:LEVEL; expected types ${PII_TYPES.join(', ')} and levels warn, sensitive, block, off`);
    }
    out[type as PiiType] = level as PiiSeverity;
  }
  return out;
}

const DEV_SECRET = 'agora-development-only-secret-not-for-production';

/**
 * Reads and validates the environment (declared in ./config/env.ts). Throws ConfigError with one
 * line that names the variable and what is expected; main.ts prints it and exits.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`${name}: ${issue.message} (got an invalid value)`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production') {
    if (!e.REDIS_URL) throw new ConfigError('REDIS_URL: required when NODE_ENV=production (the in-memory store is for development only)');
    if (!e.SESSION_SECRET) throw new ConfigError('SESSION_SECRET: required when NODE_ENV=production, at least 32 characters');
    if (!e.SMTP_URL) throw new ConfigError('SMTP_URL: required when NODE_ENV=production, e.g. smtp://user:pass@host:587');
  }
  if (e.PASSWORD_SCRYPT_N < PASSWORD_SCRYPT_N && e.NODE_ENV !== 'test') {
    throw new ConfigError(`PASSWORD_SCRYPT_N: less than ${PASSWORD_SCRYPT_N} is for test suites only (NODE_ENV=test)`);
  }
  return configFrom(e);
}

/**
 * The settings the server runs with, in the shape its code reads them (`config.login.windowSeconds`).
 * Its type is what `configFrom` builds, so a setting is never declared twice; an interface rather
 * than an alias keeps the name `Config` in editor hints and compiler messages.
 */
export interface Config extends ReturnType<typeof configFrom> {}

function configFrom(e: Env) {
  const port = e.PORT;
  return {
    env: e.NODE_ENV,
    isProduction: e.NODE_ENV === 'production',
    port,
    host: e.HOST,
    redisUrl: e.REDIS_URL,
    redisCluster: e.REDIS_CLUSTER === '1',
    keyPrefix: e.REDIS_KEY_PREFIX,
    sessionSecret: e.SESSION_SECRET ?? DEV_SECRET,
    optOutSecret: e.OPTOUT_SECRET ?? e.SESSION_SECRET ?? DEV_SECRET,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    companyPostalAddress: e.COMPANY_POSTAL_ADDRESS,
    referralDailyLimit: e.REFERRAL_DAILY_LIMIT,
    referralIpDailyLimit: e.REFERRAL_IP_DAILY_LIMIT,
    postRatePerMinute: e.POST_RATE_PER_MINUTE,
    previewRatePerMinute: e.PREVIEW_RATE_PER_MINUTE,
    search: { ratePerMinute: e.SEARCH_RATE_PER_MINUTE, snapshotEveryMs: e.SEARCH_SNAPSHOT_SECONDS * 1000 },
    login: {
      maxFailuresPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerIp: e.LOGIN_MAX_FAILURES_PER_IP,
      windowSeconds: e.LOGIN_WINDOW_SECONDS,
    },
    registerPerIpPerHour: e.REGISTER_PER_IP_PER_HOUR,
    passwordReset: { perAddressPerHour: e.PASSWORD_RESET_PER_ADDRESS_PER_HOUR, perIpPerHour: e.PASSWORD_RESET_PER_IP_PER_HOUR },
    requireVerifiedEmail: e.REQUIRE_VERIFIED_EMAIL === '1',
    verifyEmailResendsPerHour: e.VERIFY_EMAIL_RESENDS_PER_HOUR,
    holdFirstPosts: e.HOLD_FIRST_POSTS,
    /** A notification still unread this long is e-mailed. */
    notifyEmailDelayMs: e.NOTIFY_EMAIL_DELAY_SECONDS * 1000,
    /** The first retry's wait for background jobs; each later one waits twice as long. */
    jobRetryDelayMs: e.JOB_RETRY_DELAY_MS,
    holdAcknowledgedPii: parseTypeList('HOLD_ACKNOWLEDGED_PII', e.HOLD_ACKNOWLEDGED_PII),
    flagsToHide: e.FLAGS_TO_HIDE,
    flagDailyLimit: e.FLAG_DAILY_LIMIT,
    threadLogSize: e.THREAD_LOG_SIZE,
    /** scrypt's cost for new password hashes (auth/password.ts). */
    passwordScryptN: e.PASSWORD_SCRYPT_N,
    /** A session ends after `idleMs` without a request, and `absoluteMs` after sign-in whatever happens. */
    sessions: { idleMs: e.SESSION_IDLE_MINUTES * 60_000, absoluteMs: e.SESSION_ABSOLUTE_MINUTES * 60_000 },
    /** Per-socket and per-address bounds (API.md, Realtime). */
    sockets: {
      maxWatches: e.SOCKET_MAX_WATCHES,
      maxPerAddress: e.SOCKET_MAX_PER_ADDRESS,
      eventsPerSecond: e.SOCKET_EVENTS_PER_SECOND,
      eventBurst: e.SOCKET_EVENT_BURST,
    },
    /** PUBLIC_URL's origin when PUBLIC_URL is set: the only Origin a socket handshake may carry. */
    siteOrigin: e.PUBLIC_URL ? new URL(e.PUBLIC_URL).origin : undefined,
    piiSeverity: parseSeverities(e.PII_SEVERITY),
    demoAccounts: e.DEMO_ACCOUNTS ? e.DEMO_ACCOUNTS === '1' : e.NODE_ENV === 'development' && !e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
    metricsToken: e.METRICS_TOKEN || undefined,
  };
}
