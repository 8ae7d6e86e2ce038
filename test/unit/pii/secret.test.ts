import { expectExactlyOne, expectNothing } from './helpers.js';

const BODY = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\nMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\nNMoSfm76oqFvAp8Gy0iz5sxjZmSnXyCdPEovGhLa0VzMaQ8s+CLOyS56YyCFGeJZ\n';
const pem = (label: string, body = BODY): string => `-----BEGIN ${label}-----\n${body}-----END ${label}-----`;
const RSA = pem('RSA PRIVATE KEY');
const PKCS8 = pem('PRIVATE KEY');
const EC = pem('EC PRIVATE KEY', 'MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oSmXr1gLzu5LoAoGCCqGSM49\nAwEHoUQDQgAE2NsXkV9l8pM5hZxB0hBEW0sHtsV1b2N8I5rS7E6w7fDs1nEJl6Aq\n');
const OPENSSH = pem('OPENSSH PRIVATE KEY', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDqF0Za3Q0lVyfl1q8Z1Xx8w1cVx0gQZ9c7n9W2vHqC6QAAAJgmP0tXJj9L\n');
const ENCRYPTED = pem('ENCRYPTED PRIVATE KEY');
const DSA = pem('DSA PRIVATE KEY');
const PGP = pem('PGP PRIVATE KEY BLOCK', '\nlQOYBF3Ke0oBCADH7xkL0mWx3mB9rDqzKc4dQ7c1U2vOq0sZ3nHnJ8r4pXbYh6\n');
const TRUNCATED = `-----BEGIN RSA PRIVATE KEY-----\n${BODY.trimEnd()}`;
const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

describe('secrets', () => {
  test.each([
    [`key:\n${RSA}\nthanks`, RSA],
    [`here ${PKCS8}`, PKCS8],
    [`${EC}\n`, EC],
    [`ssh key\n${OPENSSH}`, OPENSSH],
    [`${ENCRYPTED} done`, ENCRYPTED],
    [`old ${DSA}`, DSA],
    [`gpg ${PGP}`, PGP],
    [`truncated paste:\n${TRUNCATED}\n\nanything else?`, TRUNCATED],
    ['DATABASE_URL=postgres://bob:s3cr3t@db.example.com:5432/app', 'postgres://bob:s3cr3t@db.example.com:5432/app'],
    ['open https://admin:hunter2@internal.example.com/login now', 'https://admin:hunter2@internal.example.com/login'],
    ['cache redis://:p4ssw0rd@cache.internal:6379/0.', 'redis://:p4ssw0rd@cache.internal:6379/0'],
    ['mongodb+srv://app:Xy9%21zz@cluster0.mongodb.net/test?retryWrites=true', 'mongodb+srv://app:Xy9%21zz@cluster0.mongodb.net/test?retryWrites=true'],
    ['(ftp://user:pa55word@ftp.example.com)', 'ftp://user:pa55word@ftp.example.com'],
    ['password=hunter2', 'hunter2'],
    ['passwd: s3cr3t-pw', 's3cr3t-pw'],
    ['secret: abc123XYZ', 'abc123XYZ'],
    ['api_key=AbCdEf123456', 'AbCdEf123456'],
    ['apiKey: "k-9f8e7d6c5b4a"', 'k-9f8e7d6c5b4a'],
    ['token = 9b2f7c1e8d3a', '9b2f7c1e8d3a'],
    ['client_secret=cs4f9a8b7c6d5e', 'cs4f9a8b7c6d5e'],
    ['DB_PASSWORD=Tr0ub4dor3', 'Tr0ub4dor3'],
    ['export AWS_SECRET_ACCESS_KEY=OaKpVNo4UyZI3XAvo46NmfLDttSRVBO/k/KKjSZb', 'OaKpVNo4UyZI3XAvo46NmfLDttSRVBO/k/KKjSZb'],
    ['aws_secret_access_key = OaKpVNo4UyZI3XAvo46NmfLDttSRVBO/k/KKjSZb', 'OaKpVNo4UyZI3XAvo46NmfLDttSRVBO/k/KKjSZb'],
    ['{"password": "S3cr3t!"}', 'S3cr3t!'],
    ['password: "S3cr3t!"', 'S3cr3t!'],
    ["password='hunter2'", 'hunter2'],
    ['mysql --password=hunter2 -u root', 'hunter2'],
    ['GET /api?token=abc123def456&user=1', 'abc123def456'],
    ['const password = "hardcoded123";', 'hardcoded123'],
    ['PGPASSWORD=s3cretpw psql -h db', 's3cretpw'],
    ['private_key: abcdef0123456789', 'abcdef0123456789'],
    ['secret_key_base: 0123abcd4567ef89', '0123abcd4567ef89'],
    ['password = hunter2 # production', 'hunter2'],
    ['the AWS key AKIANRJDWKZ4CP2E7FWW leaked', 'AKIANRJDWKZ4CP2E7FWW'],
    ['session ASIAY34FZKBOKMUTVV7A', 'ASIAY34FZKBOKMUTVV7A'],
    ['GitHub 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', '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'],
    ['oauth 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', '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'],
    ['app ghs_AqUoJR23YaFeCIjrVCHI4eggv5wQw844Kmbc', 'ghs_AqUoJR23YaFeCIjrVCHI4eggv5wQw844Kmbc'],
    ['fine-grained 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', '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'],
    ['GitLab glpat-RIDScktyyMqhcedbVTJg', 'glpat-RIDScktyyMqhcedbVTJg'],
    ['Slack xoxb-255641019084-5080327509767-YnWA453GffYy1OKHpXCwxGWr', 'xoxb-255641019084-5080327509767-YnWA453GffYy1OKHpXCwxGWr'],
    ['Slack user xoxp-965834756559-973668383843-5868612942677-b2de8717ea679b802116dda104b4daee', 'xoxp-965834756559-973668383843-5868612942677-b2de8717ea679b802116dda104b4daee'],
    ['hook https://hooks.slack.com/services/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', 'https://hooks.slack.com/services/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'],
    ['Stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'],
    ['Stripe test sk_test_4eC39HqLyjWDarjtT1zdp7dc', 'sk_test_4eC39HqLyjWDarjtT1zdp7dc'],
    ['restricted rk_live_519YfClE8ebYCvWk3xZH2Kil', 'rk_live_519YfClE8ebYCvWk3xZH2Kil'],
    [`Authorization: Bearer ${JWT}`, JWT],
    [`jwt=${JWT}`, JWT],
    ['"token": "tok_abc123xyz"', 'tok_abc123xyz'],
    ['😀 password=hunter2 after an emoji', 'hunter2'],
    ['curl -H "Authorization: Basic dXNlcjpwYXNzd29yZA==" https://api.example.com', 'dXNlcjpwYXNzd29yZA=='],
    ['Authorization: Bearer 8f14e45fceea167a5a36dedd4bea2543', '8f14e45fceea167a5a36dedd4bea2543'],
    // Well-known token formats found by their prefix, without any label around them.
    ...[
      'sk-proj-u8jzPde0IgxLd6GncfBA-epfJBd0Kh8oOOL8dKLzd_ocJ2isAjIhKtJ0RlgLKO',
      'sk-ant-api03-yVmihA_2O76UMFxFkM_R5Kjp1vRt-1fjORS_6ilI8ihN5KXSc7Tvo_hBKqFYY_kv5ZJr3J1TWDtkwtDDb-xHKas1VOqg6AA',
      'AIzaYYZYn9ZhyiA4uoRgnatmUdjAWtGSU8po-79',
      'npm_EtfjgVvVqE1SkHbn88HxjSI6bWHtP3fS2qHx',
      'pypi-AgEIcHlwaS5vcmcvTCQCyEZDz_TddJ8HyS5SUkCnD8zRA9a9SkpXz9w3QlY7Zkuvqdt7s8Stqcbnr3yBdGBLEPH1qhT61qtc4xatws8phP9nhFyJfm5di4PzJ59FHz5r1pY4OjE',
      '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',
      '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',
      'dop_v1_d2802827283e0ad84173581569969e58b081006f7e3dfc967a64cb14028d512c',
      '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',
      'sq0atp-Ha6ili8GjHEAD6_Wj9Kfzj',
      'lin_api_MjvqPVStNKiaEdFrRgSnRFsTHsDDDXh5Jmtf7Ebs',
      'dp.pt.De0G9Cryn687neLfjVHq8xiM0OGr4hTxoF54Fzbka8F',
    ].flatMap((token): [string, string][] => [[`my key ${token} stopped working`, token], [`It was ${token}.`, token]]),
  ])('%j holds a secret', (text, value) => {
    expectExactlyOne(text, 'SECRET', value);
  });

  test.each([
    'I forgot my password yesterday',
    'const password = input.value;',
    'password = getPassword()',
    'password: string',
    'password?: string;',
    'if (password == confirm) { return x.y.z; }',
    'if (a == b) { return x.y.z; }',
    'password === ""',
    'password: ""',
    'password=${DB_PASSWORD}',
    'password: "{{ vault_db_password }}"',
    'password: <your password here>',
    'password: ********',
    'DB_PASSWORD=',
    'password_hint: favourite colour',
    'Reset your password: click the link below',
    'Password: forgot it, sorry',
    'max_tokens: 4096',
    'token_type: bearer',
    'Stripe publishable pk_live_51H8abcdefghijklmnopqrstuv',
    'The -----BEGIN PUBLIC KEY----- block is public',
    '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ3Y4\n-----END CERTIFICATE-----',
    '-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----',
    'postgres://user:password@localhost/db',
    'https://example.com/login?next=/home',
    'ghp_short',
    'AKIA1234',
    'AKIAIOSFODNN7EXAMPL',
    'xAKIAIOSFODNN7EXAMPLE',
    'eyJhbGciOiJIUzI1NiJ9',
    'password = user.password;',
    'this.password = password;',
    'def login(password=None):',
    'connect(host, password=pw)',
    'password => hash(password)',
    'passwordInput.value = ""',
    'password_length = 12',
    'label: "Password"',
    '"password": "Mot de passe"',
    '{ password: pwd }',
    'Password: I forgot it',
    'secretary: John Smith',
    'token: 5',
    'return { token: jwt.sign(payload) };',
    'sk_live_',
    'The API key is stored in Vault',
    'password: String,',
    'let token = await getToken();',
    'apiKey: process.env.API_KEY,',
    'password = os.environ["DB_PASSWORD"]',
    'Authorization: Bearer <token>',
    'headers: { Authorization: `Bearer ${token}` }',
    'Set the Authorization: header on every request',
    'sk-proj-short',
    'AIza5ZMs1SWOpQaPRYpzbLGViYXjU2JgJngKtF', // one character short of a Google key
    'AIzaYYZYn9ZhyiA4uoRgnatmUdjAWtGSU8po-79x', // one too many
    'npm_G5ZFJoC6vWCBiJmpflvJfupxqZKm4bV3AyA',
    'SG.rBGumXxY9B4bZWOz648JJnUfd7UACNWiP3sFd67JikEAvstqVVPqzPptEJQzhkPken', // no inner dot
    'Visit SG. The office is open.',
    'set hf_transfer=1 to download faster',
    'the shpat_ prefix marks Shopify admin tokens',
    'lin_api_key is the variable name',
    'xsk-proj-u8jzPde0IgxLd6GncfBA-epfJBd0Kh8oOOL8dKLzd_ocJ2isAjIhKtJ0RlgLKO',
    // Documentation examples and filler in a token's shape.
    'the AWS key AKIAIOSFODNN7EXAMPLE leaked',
    'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'oauth gho_16C7e42F292c6912E7710c838347Ae178B4a', // GitHub's docs example: its checksum does not match
    'GitHub ghp_1234567890abcdefghijABCDEFGHIJ123456',
    'hook https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
    'Slack xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
    'GitLab glpat-AbCdEfGhIjKlMnOpQrSt',
  ])('%j holds no secret', (text) => {
    expectNothing(text);
  });
});
