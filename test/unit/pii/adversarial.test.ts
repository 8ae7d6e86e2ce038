import { detectPii } from '../../../shared/pii/index.js';

// Long runs of the characters every scanner keys on. A regular expression that backtracks
// catastrophically, or a scanner that rescans, takes seconds on these; a linear one milliseconds.
const UNITS = [
  'a', '1 ', '1-', 'a.', '@', '1', 'a@', '.1', ':', '::1:', '-----BEGIN ', '=', 'a=', 'a:', '1.', '1/',
  '12 ', '00 ', '+1 ', '(1) ', '0 ', '1.1.1.1 ', '1.1.1.1.', '1:1:1:1:', 'ff::', 'a.a@', '..@', 'a-',
  '4111 ', '4111 1111 1111 1111 ', '123-45-6789 ', 'DE89 ', 'DE', 'AKIA', 'ghp_', 'eyJ', 'eyJa.', 'x://',
  'x://a:b@', 'a@a.aa ', 'password=', 'password: ', '"password": "', "password='", 'SSN ', 'Tel: 0',
  '415 555 2671 ', '212 555 01 ', '012 345 678 ', '0044 0532 0130 ', '+12 12 12 12 12 12 12 ',
  '01 42 68 53 ', '+44 20 7946 0958 ', '-----BEGIN PRIVATE KEY-----', '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n',
  'hooks.slack.com/services/', 'user:pass@', '[::1]', 'é', '😀', '\n', ' ', '(', ')', '+', '"', "'", '\\',
  'Authorization: Bearer ', 'password="', 'a'.repeat(70) + '@', '1:', 'ghp_' + 'a'.repeat(300),
  // Anchors and shapes of the credential scanners (provider-token-shapes, command-secret, markup-secret).
  ':AA', '1:AA', 'Q~', '1Q~', '.atlasv1.', 'T3BlbkFJ', 'sk-T3BlbkFJ', ' -pX', ' -p ', 'curl -u a:b ', 'docker login -p ',
  'Authorization: "', 'X-Api-Key: "', 'dp.st.', 'A3-', '&sig=', '<password>x', '<a>', "define('PASSWORD', '",
  'key="password" value="', 'discord.com/api/webhooks/1234567890123456789/', 'AC' + 'a'.repeat(32) + ' auth ',
  'a'.repeat(32) + '-us1 ', 'M' + 'a'.repeat(23) + '.', 'AKIAAAAAAAAAAAAAAAAA ' + 'Ab1'.repeat(14),
];
const LENGTH = 20_000;
const BOUND_MS = 500;

const fill = (unit: string): string => unit.repeat(Math.ceil(LENGTH / unit.length)).slice(0, LENGTH);

describe('adversarial input', () => {
  beforeAll(() => {
    // Load libphonenumber's metadata and warm the scanners up once.
    detectPii('call +44 20 7946 0958 or 030 901820, a@b.co, 4111 1111 1111 1111, password=abc123');
  });

  test.each(UNITS.map((u) => [u]))('20,000 characters of %j are scanned in well under half a second', (unit) => {
    const text = fill(unit);
    const t0 = performance.now();
    detectPii(text);
    expect(performance.now() - t0).toBeLessThan(BOUND_MS);
  });

  test('a 20,000-character mix of every kind of finding is scanned in well under half a second', () => {
    const chunk = 'mail a@example.com, call +44 20 7946 0958 or (415) 555-2671, card 4111 1111 1111 1111, ip 10.0.0.1 and 2001:db8::1, SSN 123-45-6789, IBAN DE89 3704 0044 0532 0130 00, password=hunter2, AKIANRJDWKZ4CP2E7FWW.\n';
    const text = fill(chunk);
    const t0 = performance.now();
    const findings = detectPii(text);
    expect(performance.now() - t0).toBeLessThan(BOUND_MS);
    // 97 copies of the chunk, ten findings each (the last copy is cut short).
    expect(findings.length).toBeGreaterThan(950);
  });
});
