import request from 'supertest';
import { startAgora, type Running } from '../helpers/agora.js';
import { Client, signedIn } from '../helpers/http.js';
import { DEFAULT_PREFERENCES, notificationAnswers } from '../../shared/schemas/notifications.js';

// A member's e-mail preferences (API.md, Notifications): their own only, signed in, the defaults
// until changed, a patch parsed strictly and answered with the preferences after it.

describe.each(['memory', 'redis'] as const)('e-mail preferences on the %s store', (store) => {
  let agora: Running;
  beforeAll(async () => {
    agora = await startAgora({ store });
  });
  afterAll(() => agora.close());

  test('a member starts with the defaults and changes only what the patch names', async () => {
    const c = await signedIn(agora.url, agora.stores.users);
    const first = await c.get('/api/me/preferences');
    expect(first.status).toBe(200);
    expect(notificationAnswers.preferences.parse(first.body)).toEqual({ preferences: DEFAULT_PREFERENCES });

    const changed = await c.patch('/api/me/preferences', { digest: 'weekly', emailOnWatched: true });
    expect(changed.status).toBe(200);
    const after = { emailOnMention: true, emailOnWatched: true, digest: 'weekly' };
    expect(notificationAnswers.preferences.parse(changed.body)).toEqual({ preferences: after });
    expect((await c.get('/api/me/preferences')).body).toEqual({ preferences: after });
    expect(await agora.stores.notifications.digestMembers('weekly')).toContain(c.user!.id);

    // Another member's preferences are theirs alone.
    const other = await signedIn(agora.url, agora.stores.users);
    expect((await other.get('/api/me/preferences')).body).toEqual({ preferences: DEFAULT_PREFERENCES });
  });

  test('an empty patch, an unknown field or a value out of range is 400 and changes nothing', async () => {
    const c = await signedIn(agora.url, agora.stores.users);
    for (const body of [{}, { digest: 'hourly' }, { emailOnMention: 'yes' }, { emailOnMention: false, theme: 'dark' }]) {
      const res = await c.patch('/api/me/preferences', body);
      expect([res.status, res.body.error.code]).toEqual([400, 'invalid_request']);
    }
    expect((await c.get('/api/me/preferences')).body).toEqual({ preferences: DEFAULT_PREFERENCES });
  });

  test('without a session both answer 401; a patch without the CSRF token is refused', async () => {
    expect((await request(agora.url).get('/api/me/preferences')).status).toBe(401);
    // An anonymous visitor with a valid CSRF token is still no one.
    expect((await new Client(agora.url).patch('/api/me/preferences', { digest: 'daily' })).status).toBe(401);
    const c = await signedIn(agora.url, agora.stores.users);
    const noToken = await c.agent.patch('/api/me/preferences').send({ digest: 'daily' });
    expect(noToken.status).toBe(403);
    expect((await c.get('/api/me/preferences')).body.preferences.digest).toBe('off');
  });
});
