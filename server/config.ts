import { z } from 'zod';
import { DEFAULT_SEVERITY, PII_TYPES, type PiiSeverity, type PiiType } from '../shared/pii/index.js';

/** A start-up configuration problem: main prints `message` (one line) and exits non-zero. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const intFrom = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(def);

const severity = z.enum(['warn', 'sensitive', 'block', 'off']);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: intFrom(3000, 0, 65535),
  HOST: z.string().min(1).default('0.0.0.0'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  REDIS_CLUSTER: z.enum(['0', '1']).default('0'),
  REDIS_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/).default('agora:'),
  SESSION_SECRET: z.string().min(32).optional(),
  OPTOUT_SECRET: z.string().min(32).optional(),
  TRUST_PROXY: z.string().optional(),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().min(3).default('Agora <no-reply@agora.localhost>'),
  COMPANY_POSTAL_ADDRESS: z.string().min(3).default('Agora Inc., 1 Example Street, Springfield'),
  REFERRAL_DAILY_LIMIT: intFrom(10, 1, 1_000_000),
  REFERRAL_IP_DAILY_LIMIT: intFrom(30, 1, 100_000),
  POST_RATE_PER_MINUTE: intFrom(10, 1, 1_000_000),
  PREVIEW_RATE_PER_MINUTE: intFrom(120, 1, 1_000_000),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: intFrom(5, 1, 1_000_000),
  LOGIN_MAX_FAILURES_PER_IP: intFrom(50, 1, 1_000_000),
  LOGIN_WINDOW_SECONDS: intFrom(900, 1, 86_400),
  REGISTER_PER_IP_PER_HOUR: intFrom(20, 1, 1_000_000),
  HOLD_FIRST_POSTS: intFrom(0, 0, 1000),
  HOLD_ACKNOWLEDGED_PII: z.string().default(''),
  FLAGS_TO_HIDE: intFrom(3, 1, 1000),
  FLAG_DAILY_LIMIT: intFrom(20, 1, 1_000_000),
  THREAD_LOG_SIZE: intFrom(500, 10, 100_000),
  SESSION_IDLE_MINUTES: intFrom(7 * 24 * 60, 5, 366 * 24 * 60),
  SESSION_ABSOLUTE_MINUTES: intFrom(30 * 24 * 60, 5, 366 * 24 * 60),
  SOCKET_MAX_WATCHES: intFrom(100, 1, 100_000),
  SOCKET_MAX_PER_ADDRESS: intFrom(50, 1, 1_000_000),
  SOCKET_EVENTS_PER_SECOND: intFrom(10, 1, 100_000),
  SOCKET_EVENT_BURST: intFrom(40, 1, 1_000_000),
  PII_SEVERITY: z.string().default(''),
  DEMO_ACCOUNTS: z.enum(['0', '1']).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Empty means unset (an env file's `METRICS_TOKEN=`); a set token must be long enough not to guess.
  METRICS_TOKEN: z.union([z.literal(''), z.string().min(16, 'expected at least 16 characters')]).optional(),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  port: number;
  host: string;
  redisUrl: string | undefined;
  redisCluster: boolean;
  keyPrefix: string;
  sessionSecret: string;
  optOutSecret: string;
  trustProxy: boolean | number | string | undefined;
  publicUrl: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  companyPostalAddress: string;
  referralDailyLimit: number;
  referralIpDailyLimit: number;
  postRatePerMinute: number;
  previewRatePerMinute: number;
  login: { maxFailuresPerAccount: number; maxFailuresPerIp: number; windowSeconds: number };
  registerPerIpPerHour: number;
  holdFirstPosts: number;
  holdAcknowledgedPii: ReadonlySet<PiiType>;
  flagsToHide: number;
  flagDailyLimit: number;
  threadLogSize: number;
  /** A session ends after `idleMs` without a request, and `absoluteMs` after sign-in whatever happens. */
  sessions: { idleMs: number; absoluteMs: number };
  /** Per-socket and per-address bounds (API.md, Realtime). */
  sockets: { maxWatches: number; maxPerAddress: number; eventsPerSecond: number; eventBurst: number };
  /** PUBLIC_URL's origin when PUBLIC_URL is set: the only Origin a socket handshake may carry. */
  siteOrigin: string | undefined;
  piiSeverity: Record<PiiType, PiiSeverity>;
  demoAccounts: boolean;
  logLevel: string;
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
}

function parseTrustProxy(v: string | undefined): Config['trustProxy'] {
  if (v === undefined || v === '') return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v; // an address list or a named range such as "loopback", as express accepts
}

function parseTypeList(name: string, raw: string): Set<PiiType> {
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
 * Reads and validates the environment. Throws ConfigError with one line that names
 * the variable and what is expected; main.ts prints it and exits.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`${name}: ${issue.message} (got an invalid value)`);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  if (isProduction) {
    if (!e.REDIS_URL) throw new ConfigError('REDIS_URL: required when NODE_ENV=production (the in-memory store is for development only)');
    if (!e.SESSION_SECRET) throw new ConfigError('SESSION_SECRET: required when NODE_ENV=production, at least 32 characters');
    if (!e.SMTP_URL) throw new ConfigError('SMTP_URL: required when NODE_ENV=production, e.g. smtp://user:pass@host:587');
  }
  const port = e.PORT;
  return {
    env: e.NODE_ENV,
    isProduction,
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
    login: {
      maxFailuresPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerIp: e.LOGIN_MAX_FAILURES_PER_IP,
      windowSeconds: e.LOGIN_WINDOW_SECONDS,
    },
    registerPerIpPerHour: e.REGISTER_PER_IP_PER_HOUR,
    holdFirstPosts: e.HOLD_FIRST_POSTS,
    holdAcknowledgedPii: parseTypeList('HOLD_ACKNOWLEDGED_PII', e.HOLD_ACKNOWLEDGED_PII),
    flagsToHide: e.FLAGS_TO_HIDE,
    flagDailyLimit: e.FLAG_DAILY_LIMIT,
    threadLogSize: e.THREAD_LOG_SIZE,
    sessions: { idleMs: e.SESSION_IDLE_MINUTES * 60_000, absoluteMs: e.SESSION_ABSOLUTE_MINUTES * 60_000 },
    sockets: {
      maxWatches: e.SOCKET_MAX_WATCHES,
      maxPerAddress: e.SOCKET_MAX_PER_ADDRESS,
      eventsPerSecond: e.SOCKET_EVENTS_PER_SECOND,
      eventBurst: e.SOCKET_EVENT_BURST,
    },
    siteOrigin: e.PUBLIC_URL ? new URL(e.PUBLIC_URL).origin : undefined,
    piiSeverity: parseSeverities(e.PII_SEVERITY),
    demoAccounts: e.DEMO_ACCOUNTS ? e.DEMO_ACCOUNTS === '1' : e.NODE_ENV === 'development' && !e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    metricsToken: e.METRICS_TOKEN || undefined,
  };
}
