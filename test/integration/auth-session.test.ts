// GET /api/auth/session: what every page asks on load. Anonymous is an answer, not a 401, and it
// costs the visitor no session; /api/auth/me keeps API.md's 401.
import { startAgora, type Running } from '../helpers/agora.js';
import { Client } from '../helpers/http.js';
import { authAnswers } from '../../shared/schemas/index.js';

let agora: Running;

beforeAll(async () => {
  agora = await startAgora();
});
afterAll(() => agora.close());

test('an anonymous visitor is told there is no user, with a 200 and no session cookie', async () => {
  const visitor = new Client(agora.url);
  const res = await visitor.get('/api/auth/session');
  expect(res.status).toBe(200);
  expect(authAnswers.session.parse(res.body)).toEqual({ user: null });
  expect(res.headers['set-cookie']).toBeUndefined();
  expect(res.headers['cache-control']).toBe('no-store');
  expect((await visitor.get('/api/auth/me')).status).toBe(401);
});

test('a signed-in member gets the same user as /api/auth/me, and null again after signing out', async () => {
  const member = new Client(agora.url);
  const { user } = await member.register();
  const session = await member.get('/api/auth/session');
  expect(session.status).toBe(200);
  const me = await member.get('/api/auth/me');
  expect(authAnswers.session.parse(session.body)).toEqual({ user: me.body.user });
  expect(session.body.user.id).toBe(user.id);

  expect((await member.post('/api/auth/logout')).status).toBe(204);
  expect((await member.get('/api/auth/session')).body).toEqual({ user: null });
});
