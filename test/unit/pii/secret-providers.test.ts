import { crc32 as zlibCrc32 } from 'node:zlib';
import { detectPii } from '../../../shared/pii/index.js';
import { TOKEN_PREFIXES } from '../../../shared/pii/provider-tokens.js';
import { crc32, hasGithubChecksum } from '../../../shared/pii/token-checksum.js';
import { expectExactlyOne, expectNothing } from './helpers.js';

// Providers' published token formats, each with a random body in the documented shape (see
// test/fixtures/pii/random-tokens.ts), found without any label around them.

const secretsOf = (text: string): string[] => detectPii(text).filter((f) => f.type === 'SECRET').map((f) => text.slice(f.start, f.end));

const GHP = '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';

describe('GitHub token checksums', () => {
  test('the detector computes CRC-32 as zlib does', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    for (const s of ['', 'a', 'd0caizHzencp8zVZ9ODorjezbjxUEa', '~!@#$%^&*()_+']) expect(crc32(s)).toBe(zlibCrc32(s));
  });

  test('a classic token carries the CRC-32 of its random part in its last six characters', () => {
    expect(hasGithubChecksum(GHP.slice(4))).toBe(true);
  });

  test('a token with a mistyped checksum is not taken for a GitHub token', () => {
    const wrong = `${GHP.slice(0, -1)}${GHP.endsWith('a') ? 'b' : 'a'}`;
    expect(hasGithubChecksum(wrong.slice(4))).toBe(false);
    expectNothing(`copied ${wrong} from the wiki`);
  });

  test("GitHub's documentation example, whose checksum does not match, is not a secret", () => {
    expectNothing('for example gho_16C7e42F292c6912E7710c838347Ae178B4a');
  });
});

describe('published token formats', () => {
  test.each([
    ['GitHub', GHP],
    ['npm', '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'],
    ['GitLab (routable)', 'glpat-WFUkn5EQEft7Fx9c41dDPzJXyragxsqSL80Xfn1GDQ409ydUXFe.01.hemtjw8'],
    ['Slack app-level', 'xapp-1-A9C74Z5Q273-3140070242973-f5498fd0dfc073802d228e7ee5007fd78bc61a227804f9cea6d7c61d2233c085'],
    ['Stripe', 'sk_live_aMXtmF2zR5arCKk0w4E8U3e5'],
    ['Docker Hub', 'dckr_pat_jHFCvRRqkRdYL6Txeq33Uwlq_yo'],
    ['HashiCorp Vault', 'hvs.CAESIXA040RlgQWa87jvXkFLrWjuMuC-hYlvZqcMWcHMltVFx8JkJwK1Y_dlUfpj4IIWIEYAl8m-DpS4uDK_wuyb7pb'],
    ['1Password secret key', 'A3-V0XE85-6KY6QQ-PRVMS-7FUCN-TT911-YQ15R'],
    ['Heroku', 'HRKU-AAKR4kx9eUcnAenKTkFjiILmvQatGXRs4igLizU9kQj56_wGYvyNCzRKhI2T'],
    ['Atlassian', 'ATATT3xFfGF009ZD7WaYGIBoLL1PQtuxXcPoDQc3jdeD0EU8qbH36A7klw97S3nSSmAPUGnQkfS2GkVTjiAakDg9YxkAfJkeSf4RNCYB0ytBll9HZJvx2RNIl7Uy08YOIoUFtAMFDlIwvwSEeKW_7bu5ZJ8arQg_V5kTrzIuaj-K3h=C5F3002B'],
    ['age', 'AGE-SECRET-KEY-12JYC6RYHWN9A6ZCCQAHDQXFXSD3N2SJUGHU9NPUVQ2HNU9Y2KUD73Y2D33'],
    ['Discord bot', 'NDc3Njc2NTI4NDE3NDU1ODkx.GShZ62.h6Rf7ryV6-1AKwGF6RlQyuDc-FFYysRfGebiKx'],
    ['Discord webhook', 'https://discord.com/api/webhooks/5867248833605935272/LKUrhhNvzcMVhtHj9hl7m5wGB6qS-J969JFbwhjehpvvviaT-gH2-RYEgdNoa-dq7FgT'],
    ['Telegram bot', '2495326982:AAs1CLt5S1pUGG_sQhEhbxKvKPN4BC86ekt'],
    ['Azure AD client secret', 'AW48Q~lt4bO3yIAIMqsvpkvgkjKQhLFWdiSkFmYT'],
    ['OpenAI (legacy)', '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'],
    ['Terraform Cloud', 'zkdwetqy30u1s1.atlasv1.xxwz3176zxfj_h8b2t5kgm0ymel9dfj1a1a_t-xo3knz3u2oxjcpi2gmdm97w16ahhp'],
    ['Mailchimp', 'd5a5c32791f1a82cea029346217bfaa7-us14'],
  ])('a %s token in a sentence is a secret', (_provider, token) => {
    expectExactlyOne(`my token is ${token}, is that right?`, 'SECRET', token);
    expectExactlyOne(`It was ${token}.`, 'SECRET', token);
  });

  test('an AWS key id and its secret access key beside it are both secrets', () => {
    const id = 'AKIASJQYCI22YNL5ILP2';
    const secret = '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';
    expect(secretsOf(`Access key ID,Secret access key\n${id},${secret}`)).toEqual([id, secret]);
  });

  test('a 40-character hash near an AWS key id is not taken for its secret', () => {
    expect(secretsOf('key AKIASJQYCI22YNL5ILP2 deployed at commit 9f4c207b970a03bf48ca9a46698608258ab3a647')).toEqual(['AKIASJQYCI22YNL5ILP2']);
  });

  test('a Twilio SID is a secret only where the text speaks of credentials, and its auth token beside it too', () => {
    const sid = 'AC37ae40970062abccc8ee8fe5ec7647fb';
    const token = '5cbab9d1ce26bc86ff2a39786a9d13d1';
    expect(secretsOf(`twilio account ${sid} auth token ${token}`)).toEqual([sid, token]);
    expectNothing(`account ${sid} is on the free plan`);
    expectExactlyOne('Twilio API key SK727500a6407cd8bff5ddcebb54c5c099', 'SECRET', 'SK727500a6407cd8bff5ddcebb54c5c099');
  });

  test.each([
    'AKIAIOSFODNN7EXAMPLE',
    'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    'sk_live_xxxxxxxxxxxxxxxxxxxxxxxx',
    'xoxb-XXXXXXXXXXXX-XXXXXXXXXXXXX-XXXXXXXXXXXXXXXXXXXXXXXX',
    'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
    'glpat-AbCdEfGhIjKlMnOpQrSt',
    'pk_live_51Hx0aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789',
    'v1.0-beta the release',
    'the key-value store',
    '12345678:AAbb is not a bot token',
    'NDc3Njc2NTI4NDE3NDU1ODkx is an id in base64, not a token',
    'commit 9f4c207b970a03bf48ca9a46698608258ab3a647',
    'request 3fa85f64-5717-4562-b3fc-2c963f66afa6',
  ])('%j holds no secret', (text) => {
    expectNothing(text);
  });
});

test('no token prefix is the start of another (the single prefix search relies on it)', () => {
  for (const a of TOKEN_PREFIXES) for (const b of TOKEN_PREFIXES) if (a !== b) expect({ a, b, prefix: b.startsWith(a) }).toEqual({ a, b, prefix: false });
});
