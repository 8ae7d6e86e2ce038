import { hashPassword, PASSWORD_SCRYPT_N, usePasswordCost, verifyPassword } from '../../../server/auth/password.js';
import { loadConfig } from '../../../server/config.js';

describe('password hashes', () => {
  afterEach(() => usePasswordCost(PASSWORD_SCRYPT_N));

  test('a new hash is scrypt at the configured cost, and the cost travels with the hash', async () => {
    usePasswordCost(PASSWORD_SCRYPT_N);
    expect((await hashPassword('a long enough password')).split('$').slice(0, 4)).toEqual(['scrypt', '16384', '8', '1']);
    usePasswordCost(1024);
    const cheap = await hashPassword('a long enough password');
    expect(cheap.split('$')[1]).toBe('1024');
    // Raising the cost later leaves earlier hashes verifiable: each is checked at its own cost.
    usePasswordCost(PASSWORD_SCRYPT_N);
    expect(await verifyPassword('a long enough password', cheap)).toBe(true);
    expect(await verifyPassword('a long enough passworD', cheap)).toBe(false);
  });

  test('PASSWORD_SCRYPT_N: 16384 by default, a power of two, and less only with NODE_ENV=test', () => {
    expect(loadConfig({}).passwordScryptN).toBe(16384);
    expect(loadConfig({ PASSWORD_SCRYPT_N: '65536' }).passwordScryptN).toBe(65536);
    expect(loadConfig({ NODE_ENV: 'test', PASSWORD_SCRYPT_N: '1024' }).passwordScryptN).toBe(1024);
    expect(() => loadConfig({ PASSWORD_SCRYPT_N: '1024' })).toThrow(/^PASSWORD_SCRYPT_N: less than 16384 is for test suites only/);
    const prod = { NODE_ENV: 'production', REDIS_URL: 'redis://127.0.0.1:6379', SESSION_SECRET: 's'.repeat(32), SMTP_URL: 'smtp://127.0.0.1:25' };
    expect(() => loadConfig({ ...prod, PASSWORD_SCRYPT_N: '8192' })).toThrow(/^PASSWORD_SCRYPT_N: less than 16384/);
    expect(() => loadConfig({ PASSWORD_SCRYPT_N: '20000' })).toThrow(/^PASSWORD_SCRYPT_N: /);
  });
});
