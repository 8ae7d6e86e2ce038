import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SEVERITY, detectPii, PII_TYPES, type PiiFinding } from '../../../shared/pii/index.js';

const PII_DIR = join(__dirname, '../../../shared/pii');

describe('the detector API', () => {
  test('PII_TYPES lists the seven types once each', () => {
    expect([...PII_TYPES].sort()).toEqual(['CREDIT_CARD', 'EMAIL', 'IBAN', 'IP_ADDRESS', 'PHONE', 'SECRET', 'US_SSN']);
  });

  test('the default severities are warn for contact data and sensitive for the rest', () => {
    expect(DEFAULT_SEVERITY).toEqual({
      EMAIL: 'warn',
      PHONE: 'warn',
      IP_ADDRESS: 'warn',
      CREDIT_CARD: 'sensitive',
      US_SSN: 'sensitive',
      IBAN: 'sensitive',
      SECRET: 'sensitive',
    });
  });

  test('empty text and plain prose have no findings', () => {
    expect(detectPii('')).toEqual([]);
    expect(detectPii('The quick brown fox jumps over the lazy dog.')).toEqual([]);
  });

  test('findings come back sorted by start with exclusive ends', () => {
    const text = 'card 4111 1111 1111 1111, mail a@example.com, ip 10.0.0.1, call +44 20 7946 0958, ssn 123-45-6789';
    const findings = detectPii(text);
    expect(findings.map((f) => f.type)).toEqual(['CREDIT_CARD', 'EMAIL', 'IP_ADDRESS', 'PHONE', 'US_SSN']);
    expect(findings.map((f) => text.slice(f.start, f.end))).toEqual(['4111 1111 1111 1111', 'a@example.com', '10.0.0.1', '+44 20 7946 0958', '123-45-6789']);
    for (let k = 1; k < findings.length; k++) expect((findings[k] as PiiFinding).start).toBeGreaterThanOrEqual((findings[k - 1] as PiiFinding).end);
  });

  test('offsets are UTF-16 code units, so astral characters before a finding count twice', () => {
    const text = '👩‍👩‍👧 𝒳 mail me: a@example.com';
    const [f] = detectPii(text);
    expect(f).toEqual({ type: 'EMAIL', start: text.indexOf('a@'), end: text.length, severity: 'warn' });
  });

  test('a URL with credentials is one SECRET, not also an EMAIL', () => {
    const text = 'use https://bob:s3cr3t@mail.example.com/inbox';
    expect(detectPii(text)).toEqual([{ type: 'SECRET', start: 4, end: text.length, severity: 'sensitive' }]);
  });

  test('an IPv4 tail inside an IPv6 address is one finding', () => {
    const text = 'mapped ::ffff:192.0.2.128';
    expect(detectPii(text)).toEqual([{ type: 'IP_ADDRESS', start: 7, end: text.length, severity: 'warn' }]);
  });

  test('a secret token inside a config line is reported once', () => {
    const text = 'GITHUB_TOKEN=ghp_1234567890abcdefghijABCDEFGHIJ123456';
    expect(detectPii(text)).toEqual([{ type: 'SECRET', start: 13, end: text.length, severity: 'sensitive' }]);
  });

  test('the detector source uses no Node-only API, so it bundles for the browser', () => {
    const files = readdirSync(PII_DIR).filter((f) => f.endsWith('.ts'));
    expect(files).toContain('index.ts');
    for (const f of files) {
      const src = readFileSync(join(PII_DIR, f), 'utf8');
      expect({ file: f, nodeImport: /from ['"]node:|require\(|\bBuffer\b|\bprocess\.|from ['"](?:fs|path|crypto|os|util)['"]/.test(src) }).toEqual({ file: f, nodeImport: false });
      expect({ file: f, lines: src.split('\n').length < 300 }).toEqual({ file: f, lines: true });
    }
  });
});
