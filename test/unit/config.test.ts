import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../server/config.js';
import { entryArgs } from '../helpers/entry.js';

const root = path.resolve(__dirname, '../..');

describe('configuration', () => {
  test('development runs with nothing set: memory store, port 3000, demo accounts', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, redisUrl: undefined, isProduction: false, demoAccounts: true, referralDailyLimit: 10, postRatePerMinute: 10 });
  });

  test('a bad value names the variable and what is expected', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/^PORT: /);
    expect(() => loadConfig({ REDIS_URL: 'http://x' })).toThrow(/^REDIS_URL: /);
    expect(() => loadConfig({ PII_SEVERITY: 'EMAIL:loud' })).toThrow(/^PII_SEVERITY: /);
    expect(() => loadConfig({ HOLD_ACKNOWLEDGED_PII: 'NAME' })).toThrow(/^HOLD_ACKNOWLEDGED_PII: /);
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/^METRICS_TOKEN: expected at least 16 characters/);
  });

  test('METRICS_TOKEN is off when unset or empty, and kept as given when set', () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: '' }).metricsToken).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: 'x'.repeat(16) }).metricsToken).toBe('x'.repeat(16));
  });

  test('production requires Redis, a 32-character session secret and SMTP; no secret has a default there', () => {
    const ok = { NODE_ENV: 'production', REDIS_URL: 'redis://127.0.0.1:6379', SESSION_SECRET: 's'.repeat(32), SMTP_URL: 'smtp://127.0.0.1:25' };
    expect(loadConfig(ok).sessionSecret).toBe('s'.repeat(32));
    expect(() => loadConfig({ ...ok, REDIS_URL: undefined })).toThrow(/^REDIS_URL: required/);
    expect(() => loadConfig({ ...ok, SESSION_SECRET: undefined })).toThrow(/^SESSION_SECRET: required/);
    expect(() => loadConfig({ ...ok, SESSION_SECRET: 'short' })).toThrow(/^SESSION_SECRET: /);
    expect(() => loadConfig({ ...ok, SMTP_URL: undefined })).toThrow(/^SMTP_URL: required/);
  });

  test('per-type personal-data severities and trust proxy are parsed', () => {
    const c = loadConfig({ PII_SEVERITY: 'EMAIL:off, PHONE:block', TRUST_PROXY: '1' });
    expect(c.piiSeverity.EMAIL).toBe('off');
    expect(c.piiSeverity.PHONE).toBe('block');
    expect(c.piiSeverity.CREDIT_CARD).toBe('sensitive');
    expect(c.trustProxy).toBe(1);
  });

  test('sessions last 7 idle days and 30 days at most, sockets have their bounds, and PUBLIC_URL names the site origin', () => {
    const c = loadConfig({});
    expect(c.sessions).toEqual({ idleMs: 7 * 86_400_000, absoluteMs: 30 * 86_400_000 });
    expect(c.sockets).toEqual({ maxWatches: 100, maxPerAddress: 50, eventsPerSecond: 10, eventBurst: 40 });
    expect(c.siteOrigin).toBeUndefined();
    const set = loadConfig({ SESSION_IDLE_MINUTES: '30', SOCKET_MAX_WATCHES: '5', PUBLIC_URL: 'https://community.example.com/forum/' });
    expect(set.sessions.idleMs).toBe(30 * 60_000);
    expect(set.sockets.maxWatches).toBe(5);
    expect(set.siteOrigin).toBe('https://community.example.com');
    expect(() => loadConfig({ SOCKET_MAX_WATCHES: '0' })).toThrow(/^SOCKET_MAX_WATCHES: /);
    expect(() => loadConfig({ SESSION_IDLE_MINUTES: 'a week' })).toThrow(/^SESSION_IDLE_MINUTES: /);
  });

  test('the process exits non-zero with one clear line when a production secret is missing', () => {
    const r = spawnSync(process.execPath, entryArgs('server/main'), {
      cwd: root,
      env: { PATH: process.env.PATH, NODE_ENV: 'production', REDIS_URL: 'redis://127.0.0.1:6379', SMTP_URL: 'smtp://127.0.0.1:25' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('agora: SESSION_SECRET: required when NODE_ENV=production, at least 32 characters');
  });
});
