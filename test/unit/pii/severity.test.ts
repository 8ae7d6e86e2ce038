import { detectPii, maskPii, PII_TYPES, type PiiType } from '../../../shared/pii/index.js';

const SAMPLE: Record<PiiType, string> = {
  EMAIL: 'a@example.com',
  PHONE: '+44 20 7946 0958',
  IP_ADDRESS: '10.0.0.1',
  CREDIT_CARD: '4111 1111 1111 1111',
  US_SSN: '123-45-6789',
  IBAN: 'DE89 3704 0044 0532 0130 00',
  SECRET: 'AKIANRJDWKZ4CP2E7FWW',
};
const TEXT = PII_TYPES.map((t) => `${t.toLowerCase()}: ${SAMPLE[t]}`).join('\n');

describe('severity overrides', () => {
  test('with the defaults every sample is found once', () => {
    expect(detectPii(TEXT).map((f) => [f.type, TEXT.slice(f.start, f.end)])).toEqual(PII_TYPES.map((t) => [t, SAMPLE[t]]));
  });

  test.each(PII_TYPES.map((t) => [t]))("'off' omits %s findings and nothing else", (type) => {
    const findings = detectPii(TEXT, { [type]: 'off' });
    expect(findings.map((f) => f.type)).toEqual(PII_TYPES.filter((t) => t !== type));
  });

  test.each(PII_TYPES.map((t) => [t]))("'block' on %s is carried into its findings", (type) => {
    const findings = detectPii(TEXT, { [type]: 'block' });
    expect(findings.find((f) => f.type === type)?.severity).toBe('block');
    expect(findings.filter((f) => f.severity === 'block')).toHaveLength(1);
  });

  test("'sensitive' on a warn type makes maskPii mask it by default", () => {
    const text = 'mail a@example.com';
    expect(maskPii(text, detectPii(text, { EMAIL: 'sensitive' }))).toBe('mail •••••••••.com');
  });

  test("'warn' on a sensitive type leaves it unmasked by default", () => {
    const text = 'card 4111 1111 1111 1111';
    const findings = detectPii(text, { CREDIT_CARD: 'warn' });
    expect(findings).toEqual([{ type: 'CREDIT_CARD', start: 5, end: text.length, severity: 'warn' }]);
    expect(maskPii(text, findings)).toBe(text);
  });

  test('every type off finds nothing', () => {
    const all = Object.fromEntries(PII_TYPES.map((t) => [t, 'off'])) as Record<PiiType, 'off'>;
    expect(detectPii(TEXT, all)).toEqual([]);
  });

  test('an undefined override falls back to the default', () => {
    expect(detectPii('a@example.com', { EMAIL: undefined })).toEqual([{ type: 'EMAIL', start: 0, end: 13, severity: 'warn' }]);
  });

  test('with SECRET off, the user name inside a credentialed URL is not mistaken for an e-mail address', () => {
    expect(detectPii('https://bob:s3cr3t@mail.example.com/inbox', { SECRET: 'off' })).toEqual([]);
  });

  test('a more severe override wins an overlap', () => {
    const text = 'password=john@example.com';
    const value = { start: 9, end: text.length };
    expect(detectPii(text)).toEqual([{ type: 'SECRET', ...value, severity: 'sensitive' }]);
    expect(detectPii(text, { EMAIL: 'block' })).toEqual([{ type: 'EMAIL', ...value, severity: 'block' }]);
    expect(detectPii(text, { SECRET: 'off' })).toEqual([{ type: 'EMAIL', ...value, severity: 'warn' }]);
  });
});
