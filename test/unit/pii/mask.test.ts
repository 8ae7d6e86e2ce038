import { detectPii, maskPii, type PiiFinding } from '../../../shared/pii/index.js';

const finding = (text: string, value: string, type: PiiFinding['type'], severity: PiiFinding['severity'] = 'sensitive'): PiiFinding => {
  const start = text.indexOf(value);
  return { type, start, end: start + value.length, severity };
};

describe('masking', () => {
  test('a spaced card number keeps its spaces and its last four digits', () => {
    const text = 'card 4111 1111 1111 1111 ok';
    expect(maskPii(text, detectPii(text))).toBe('card •••• •••• •••• 1111 ok');
  });

  test('a dashed card number keeps its dashes', () => {
    const text = '5555-5555-5555-4444';
    expect(maskPii(text, detectPii(text))).toBe('••••-••••-••••-4444');
  });

  test('a grouped IBAN keeps its grouping and its last four characters', () => {
    const text = 'IBAN DE89 3704 0044 0532 0130 00.';
    expect(maskPii(text, detectPii(text))).toBe('IBAN •••• •••• •••• •••• ••30 00.');
  });

  test('a compact IBAN is masked up to its last four characters', () => {
    const text = 'GB29NWBK60161331926819';
    expect(maskPii(text, detectPii(text))).toBe('••••••••••••••••••6819');
  });

  test('a social security number keeps its dashes and serial', () => {
    const text = 'SSN 123-45-6789';
    expect(maskPii(text, detectPii(text))).toBe('SSN •••-••-6789');
  });

  test('a config secret masks only the value', () => {
    const text = 'password=hunter2\nuser=bob';
    expect(maskPii(text, detectPii(text))).toBe('password=•••ter2\nuser=bob');
  });

  test('an API token is masked but for its last four characters', () => {
    const text = 'key sk_live_4eC39HqLyjWDarjtT1zdp7dc here';
    expect(maskPii(text, detectPii(text))).toBe(`key ${'•'.repeat(28)}p7dc here`);
  });

  test('a private-key block keeps its line breaks', () => {
    const text = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
    const masked = maskPii(text, detectPii(text));
    expect(masked.split('\n').map((line) => line.length)).toEqual(text.split('\n').map((line) => line.length));
    expect(masked).not.toContain('MIIE');
    expect(masked.endsWith('•••E KEY-----')).toBe(true);
  });

  test('emoji before the span do not shift the masked characters', () => {
    const text = '😀🎉 card 4111 1111 1111 1111';
    const findings = detectPii(text);
    expect(findings[0]?.start).toBe(text.indexOf('4111'));
    expect(maskPii(text, findings)).toBe('😀🎉 card •••• •••• •••• 1111');
  });

  test('several spans are masked right to left and other text is untouched', () => {
    const text = '😀 4111 1111 1111 1111 and 🎉 DE89370400440532013000 and a@example.com';
    expect(maskPii(text, detectPii(text))).toBe('😀 •••• •••• •••• 1111 and 🎉 ••••••••••••••••••3000 and a@example.com');
  });

  test('warn findings are left alone by default', () => {
    const text = 'mail a@example.com or call +44 20 7946 0958';
    expect(maskPii(text, detectPii(text))).toBe(text);
  });

  test('an explicit set of types masks those findings whatever their severity', () => {
    const text = 'mail a@example.com, card 4111 1111 1111 1111';
    expect(maskPii(text, detectPii(text), new Set(['EMAIL']))).toBe('mail •••••••••.com, card 4111 1111 1111 1111');
  });

  test('a surrogate pair is never split: it is one of the last four characters or two bullets', () => {
    const text = 'password="p😀ss-wörd😀123"';
    const f = finding(text, 'p😀ss-wörd😀123', 'SECRET');
    const masked = maskPii(text, [f]);
    expect(masked).toBe('password="•••••-••••😀123"');
    expect(masked.length).toBe(text.length);
  });

  test('overlapping and out-of-range findings are tolerated', () => {
    const text = 'abcdefghijkl';
    const masked = maskPii(text, [
      { type: 'SECRET', start: 0, end: 8, severity: 'sensitive' },
      { type: 'SECRET', start: 4, end: 12, severity: 'sensitive' },
      { type: 'SECRET', start: 10, end: 99, severity: 'sensitive' },
    ]);
    expect(masked).toBe('••••••••ijkl');
  });

  test('no findings leaves the text as it is', () => {
    expect(maskPii('nothing here', [])).toBe('nothing here');
  });
});
