import { detectPii, maskPii } from '../../../shared/pii/index.js';
import { expectExactlyOne, expectNothing } from './helpers.js';

// Credentials in the forms people paste them into a post: each test names the form, the text a
// member would paste, and the exact span that gets masked.

const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwMDk2NTQ0MjU3IiwibmFtZSI6IkFkYSIsImlhdCI6MTYzMTE4OTY3MiwiZXhwIjoxODc2NDA4OTg5fQ.hMXSiS-P4MJJSjwE6jnr9n60CLWbBFxXbd8tsVWII6U';
const BASIC = 'ZGVwbG95OlRyMHViNGRvciYz'; // deploy:Tr0ub4dor&3
const OPAQUE = 'MoVCr6j0p6Hhp591m99j0AhUujw-j0bpvjTPAB81';
const PW = 'Tr0ub4McXz#08';
const HEX40 = '9f4c207b970a03bf48ca9a46698608258ab3a647';

const secretsOf = (text: string): string[] => detectPii(text).filter((f) => f.type === 'SECRET').map((f) => text.slice(f.start, f.end));

describe('Authorization headers', () => {
  test.each([
    [`Authorization: Bearer ${OPAQUE}`, OPAQUE],
    [`curl -H "Authorization: Bearer ${JWT}" https://api.acme.io/v1/me`, JWT],
    [`Authorization: Basic ${BASIC}`, BASIC],
    [`Proxy-Authorization: Basic ${BASIC}`, BASIC],
    [`authorization: token ${HEX40}`, HEX40],
    [`headers = {"Authorization": "Bearer ${OPAQUE}"}`, OPAQUE],
    [`fetch(url, { headers: { Authorization: 'Bearer ${OPAQUE}' } })`, OPAQUE],
    [`http GET https://api.acme.io/me Authorization:"Bearer ${OPAQUE}"`, OPAQUE],
    [`Authorization: ${OPAQUE}`, OPAQUE],
    [`curl -H "X-API-Key: ${OPAQUE}" https://api.acme.io`, OPAQUE],
    [`curl -H 'X-Auth-Token: ${HEX40}' https://api.acme.io`, HEX40],
  ])('%j: the credentials after the scheme are a secret', (text, value) => {
    expectExactlyOne(text, 'SECRET', value);
  });

  test.each([
    'Authorization: Bearer <token>',
    'Authorization: Bearer $TOKEN',
    'curl -H "Authorization: Bearer ${ACCESS_TOKEN}" https://api.acme.io',
    'headers: { Authorization: `Bearer ${token}` }',
    '"Authorization": "Bearer " + accessToken,',
    'Authorization: Bearer {{token}}',
    'Authorization: Basic',
    'WWW-Authenticate: Bearer realm="api"',
    'Authorization: required on every route',
  ])('%j holds no secret', (text) => {
    expectNothing(text);
  });

  test('masking a pasted header leaves only the last four characters of the token', () => {
    const token = 't8FA2dIqDqyBJb6wsAeOigTXOkWKbxQEjWHjfVLX';
    const text = `Authorization: Bearer ${token}`;
    expect(maskPii(text, detectPii(text))).toBe(`Authorization: Bearer ${'•'.repeat(token.length - 4)}${token.slice(-4)}`);
  });
});

describe('passwords on a command line', () => {
  test.each([
    [`curl -u admin:${PW} https://jenkins.acme.io/api/json`, PW],
    [`curl --user "deploy:${PW}" https://nexus.acme.io`, PW],
    [`curl -s -u 'bob:${PW}' -X POST https://api.acme.io/v1/jobs`, PW],
    [`curl --user=ci:${PW} https://ci.acme.io`, PW],
    [`curl -X POST \\\n  -u admin:${PW} \\\n  https://ci.acme.io`, PW],
    [`docker login -u acmebot -p ${PW} registry.acme.io`, PW],
    [`docker login --username acme --password ${PW} ghcr.io`, PW],
    [`mysql -h db.acme.io -u root -p${PW} shop`, PW],
    [`sshpass -p '${PW}' ssh deploy@db`, PW],
    [`redis-cli -h cache -a ${PW} ping`, PW],
  ])('%j: the password is a secret', (text, value) => {
    expectExactlyOne(text, 'SECRET', value);
  });

  test.each([
    'curl -u user:password https://api.acme.io',
    'curl -u $USER:$PASS https://api.acme.io',
    'curl -u "admin:${ADMIN_PASSWORD}" https://jenkins.acme.io',
    'git push -u origin main',
    'docker run -u 1000:1000 node:20 npm test',
    'docker run -p 8080:80 nginx',
    'mysql -u root -p shop',
    'docker login -u acme -p $DOCKER_PASSWORD',
    'echo $TOKEN | docker login ghcr.io -u acme --password-stdin',
    'ls -a /tmp',
  ])('%j holds no secret', (text) => {
    expectNothing(text);
  });
});

describe('configuration lines', () => {
  test.each([
    [`DB_PASSWORD=${PW}`, PW],
    [`export API_TOKEN=${OPAQUE}`, OPAQUE],
    [`database:\n  password: ${PW}`, PW],
    [`{"client_secret": "${OPAQUE}"}`, OPAQUE],
    [`[database]\npassword = "${PW}"`, PW],
    [`spring.datasource.password=${PW}`, PW],
    [`Server=tcp:sql1,1433;User ID=sa;Password=${PW};Encrypt=true;`, PW],
    [`env:\n  - name: DB_PASSWORD\n    value: "${PW}"`, PW],
    [`//registry.npmjs.org/:_authToken=${OPAQUE}`, OPAQUE],
    [`{"auths": {"ghcr.io": {"auth": "${BASIC}"}}}`, BASIC],
    [`<password>${PW}</password>`, PW],
    [`<add key="ApiKey" value="${OPAQUE}" />`, OPAQUE],
    [`define('DB_PASSWORD', '${PW}');`, PW],
    [`requests.get(url, auth=("admin", "${PW}"))`, PW],
    [`aws configure set aws_secret_access_key ${OPAQUE}`, OPAQUE],
    [`machine api.acme.io\n  login ops\n  password ${PW}`, PW],
    [`my password is ${PW}, please don't tell anyone`, PW],
  ])('%j: the value is a secret', (text, value) => {
    expectExactlyOne(text, 'SECRET', value);
  });

  test.each([
    'timeout: 30',
    'password_min_length: 10',
    'token_endpoint: https://auth.acme.io/oauth2/token',
    'max_tokens: 1024',
    'nextToken: null',
    'existingSecret: redis-auth',
    'credentials: "include"',
    'auth: true',
    'private_key_path: /etc/ssl/private/server.key',
    'password: changeme',
    'api_key: your-api-key',
    'API_KEY=YOUR_API_KEY_HERE',
    'set PASSWORD=%DB_PASSWORD%',
    'password: "{{ db_password }}"',
    'password: op://Production/Database/password',
    'password: ENC[AES256_GCM,data:Tr3k2Qe=,type:str]',
    'password: !secret db_password',
    'OPENAI_API_KEY=sk-...',
    'token: ***',
    'secret: null',
    'password: none',
    'token: formTokenSchema,',
    'The password must be at least 12 characters long.',
  ])('%j holds no secret', (text) => {
    expectNothing(text);
  });
});

describe('JSON Web Tokens', () => {
  test.each([`token: ${JWT}`, `here it is: ${JWT} — expired?`, `Cookie: session=${JWT}; theme=dark`])('%j: the JWT is a secret', (text) => {
    expectExactlyOne(text, 'SECRET', JWT);
  });

  test('three base64url parts whose first does not decode to a header with "alg" are not a JWT', () => {
    const notHeader = Buffer.from('{"foo":"bar","baz":1}').toString('base64url');
    expectNothing(`${notHeader}.${JWT.split('.')[1]}.${JWT.split('.')[2]}`);
  });
});

describe('connection strings', () => {
  test.each([
    `postgres://app:${PW}@db.acme.io:5432/shop`,
    `mongodb+srv://svc:${PW}@cluster0.x1y2z.mongodb.net/prod?retryWrites=true`,
    `rediss://:${PW}@cache.acme.io:6380`,
    `amqps://worker:${PW}@mq.acme.io:5671`,
    `smtp://mailer:${PW}@smtp.acme.io:587`,
    `ftp://upload:S3cur3#05@ftp.acme.io/incoming`,
  ])('%j is a secret, password and all', (url) => {
    expectExactlyOne(`DATABASE_URL=${url}`, 'SECRET', url);
  });

  test('an Azure storage connection string: the account key', () => {
    const key = 'wzGaU7qO2DducDLfpL+LB/fATaDKUUkue+rjNo+dc1pR1ZXpt4WcILrM9sq/lin7n3y/Jy9VPJq3qqp7dAQ+KA==';
    expectExactlyOne(`DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${key};EndpointSuffix=core.windows.net`, 'SECRET', key);
  });

  test('an Azure SAS URL: the signature', () => {
    const sig = 'DOYTtS6eDvJmM0%2BWPTIFH8bdVd7gujujAxaHRDVKxzk%3D';
    expect(secretsOf(`https://acme.blob.core.windows.net/b?sv=2022-11-02&sp=rl&se=2025-01-01&sig=${sig}`)).toEqual([sig]);
  });

  test.each([
    'postgres://user:password@localhost/db',
    'postgres://postgres:postgres@localhost:5432/postgres',
    'mongodb+srv://<username>:<password>@cluster0.mongodb.net/test',
    'redis://:${REDIS_PASSWORD}@redis:6379',
    'https://ada@acme.io/projects',
    'ssh://git@gitlab.acme.io:2222/acme/app.git',
  ])('%j holds no secret', (text) => {
    expectNothing(text);
  });
});

describe('private keys', () => {
  test('a service-account JSON file: its private key, escaped line breaks and all', () => {
    const key = '-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\\n-----END PRIVATE KEY-----\\n';
    expect(secretsOf(`{"type": "service_account", "private_key": "${key}"}`)).toEqual([key]);
  });

  test('a key whose body is elided in the documentation is not a secret', () => {
    expectNothing('-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----');
  });
});
