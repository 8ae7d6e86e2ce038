import request from 'supertest';
import { startAgora, type Running } from '../helpers/agora.js';
import { Client, signedIn } from '../helpers/http.js';

const CARD = '4111 1111 1111 1111';

describe.each(['memory', 'redis'] as const)('the forum API on the %s store', (store) => {
  let agora: Running;
  let admin: Client;
  let member: Client;
  let forumId: string;

  beforeAll(async () => {
    agora = await startAgora({ store, env: { POST_RATE_PER_MINUTE: '1000' } });
    admin = await signedIn(agora.url, agora.stores.users, 'admin');
    member = await signedIn(agora.url, agora.stores.users, 'member');
    const res = await admin.post('/api/forums', { slug: `general-${Date.now()}`, title: 'General', description: 'Anything goes' });
    expect(res.status).toBe(201);
    forumId = res.body.forum.id;
  });
  afterAll(() => agora.close());

  const newThread = (c: Client, body: Record<string, unknown> = {}) =>
    c.post(`/api/forums/${forumId}/threads`, { title: 'Hello there', body: 'First **post**', ...body });

  test('anyone can browse forums, threads and posts without signing in', async () => {
    const created = await newThread(member);
    expect(created.status).toBe(201);
    const { thread, post } = created.body;
    expect(thread).toMatchObject({ forumId, title: 'Hello there', postCount: 1, locked: false, author: { username: member.user!.username } });
    expect(post).toMatchObject({ threadId: thread.id, forumId, status: 'visible', piiTypes: [], editedAt: null, html: '<p>First <strong>post</strong></p>\n' });
    const anon = request(agora.url);
    expect((await anon.get('/api/forums')).body.items.map((f: { id: string }) => f.id)).toContain(forumId);
    const threads = await anon.get(`/api/forums/${forumId}/threads`).expect(200);
    expect(threads.body.items[0].id).toBe(thread.id);
    expect(threads.body).toHaveProperty('nextCursor');
    expect((await anon.get(`/api/threads/${thread.id}`).expect(200)).body.thread.id).toBe(thread.id);
    const posts = await anon.get(`/api/threads/${thread.id}/posts`).expect(200);
    expect(posts.body).toEqual({ items: [post], nextCursor: null });
    expect((await anon.get(`/api/posts/${post.id}`).expect(200)).body.post).toEqual(post);
  });

  test('only admins create forums; members get 403 and visitors 401', async () => {
    expect((await member.post('/api/forums', { slug: 'nope-x', title: 'No' })).status).toBe(403);
    expect((await new Client(agora.url).post('/api/forums', { slug: 'nope-y', title: 'No' })).status).toBe(401);
    const dup = await admin.post('/api/forums', { slug: (await request(agora.url).get('/api/forums')).body.items[0].slug, title: 'Dup' });
    expect(dup.status).toBe(409);
  });

  test('visitors cannot post; writes need a session', async () => {
    const anon = new Client(agora.url);
    const res = await anon.post(`/api/forums/${forumId}/threads`, { title: 'x', body: 'y' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthenticated');
  });

  test('bad input answers 400 naming the field; malformed and unknown ids answer 404', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ title: 'x'.repeat(201) }, 'title'],
      [{ title: '   ' }, 'title'],
      [{ body: 'x'.repeat(20_001) }, 'body'],
      [{ body: 42 }, 'body'],
      [{ acknowledgePii: ['NAME'] }, 'acknowledgePii.0'],
    ];
    for (const [body, field] of cases) {
      const res = await newThread(member, body);
      expect(res.status).toBe(400);
      expect(res.body.error.details.field).toBe(field);
    }
    expect((await newThread(member, { body: 'x'.repeat(20_000) })).status).toBe(201);
    expect((await request(agora.url).get('/api/threads/not-an-id')).status).toBe(404);
    expect((await request(agora.url).get('/api/threads/AAAAAAAAAAAAAAAA')).status).toBe(404);
    expect((await request(agora.url).get('/api/posts/AAAAAAAAAAAAAAAA')).body.error.code).toBe('not_found');
    expect((await member.post('/api/threads/AAAAAAAAAAAAAAAA/posts', { body: 'hi' })).status).toBe(404);
    expect((await request(agora.url).get(`/api/forums/${forumId}/threads?limit=101`)).status).toBe(400);
    expect((await request(agora.url).get(`/api/forums/${forumId}/threads?cursor=%%%`)).body.error.details.field).toBe('cursor');
  });

  test('personal data: 422 with findings and nothing stored, then acknowledged and published masked', async () => {
    const { body: { thread } } = await newThread(member);
    const text = `Pay with ${CARD} or mail me at someone@example.org`;
    const refused = await member.post(`/api/threads/${thread.id}/posts`, { body: text });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('pii_unacknowledged');
    const findings = refused.body.error.details.findings as { type: string; start: number; end: number; severity: string }[];
    expect(findings.map((f) => [f.type, text.slice(f.start, f.end), f.severity])).toEqual([
      ['CREDIT_CARD', CARD, 'sensitive'],
      ['EMAIL', 'someone@example.org', 'warn'],
    ]);
    expect(JSON.stringify(refused.body)).not.toContain('4111 1111 1111 1111');
    let posts = await request(agora.url).get(`/api/threads/${thread.id}/posts`);
    expect(posts.body.items).toHaveLength(1); // nothing stored

    const partly = await member.post(`/api/threads/${thread.id}/posts`, { body: text, acknowledgePii: ['EMAIL'] });
    expect(partly.status).toBe(422);

    const ok = await member.post(`/api/threads/${thread.id}/posts`, { body: text, acknowledgePii: ['EMAIL', 'CREDIT_CARD'] });
    expect(ok.status).toBe(201);
    expect(ok.body.post.piiTypes.sort()).toEqual(['CREDIT_CARD', 'EMAIL']);
    expect(ok.body.post.html).toContain('1111');
    expect(ok.body.post.html).not.toContain(CARD);
    expect(ok.body.post.html).not.toMatch(/4111/);
    expect(ok.body.post.html).toContain('someone@example.org'); // a warn kind is published as written
    posts = await request(agora.url).get(`/api/threads/${thread.id}/posts`);
    expect(JSON.stringify(posts.body)).not.toContain('4111');
  });

  test('titles are scanned too', async () => {
    const res = await newThread(member, { title: 'Call me on +44 20 7946 0958' });
    expect(res.status).toBe(422);
    expect(res.body.error.details.findings[0]).toMatchObject({ type: 'PHONE', field: 'title' });
    expect((await newThread(member, { title: 'Call me on +44 20 7946 0958', acknowledgePii: ['PHONE'] })).status).toBe(201);
  });

  test('preview renders and reports findings, and stores nothing', async () => {
    const before = (await request(agora.url).get(`/api/forums/${forumId}/threads?limit=100`)).body.items.length;
    const res = await member.post('/api/preview', { body: `*hi* <script>alert(1)</script> card ${CARD}` });
    expect(res.status).toBe(200);
    expect(res.body.html).toContain('<em>hi</em>');
    expect(res.body.html).not.toContain('<script');
    expect(res.body.html).not.toContain('4111');
    expect(res.body.findings).toEqual([expect.objectContaining({ type: 'CREDIT_CARD', severity: 'sensitive' })]);
    expect((await request(agora.url).get(`/api/forums/${forumId}/threads?limit=100`)).body.items.length).toBe(before);
    expect((await new Client(agora.url).post('/api/preview', { body: 'x' })).status).toBe(401);
  });

  test('a locked thread refuses replies from members but not from moderators', async () => {
    const { body: { thread } } = await newThread(member);
    await agora.stores.forum.patchThread(thread.id, { locked: true });
    const res = await member.post(`/api/threads/${thread.id}/posts`, { body: 'let me in' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    const mod = await signedIn(agora.url, agora.stores.users, 'moderator');
    expect((await mod.post(`/api/threads/${thread.id}/posts`, { body: 'Locked for now.' })).status).toBe(201);
  });

  test('authors edit their own posts through the same pipeline; others may not', async () => {
    const { body: { post } } = await newThread(member);
    const edited = await member.patch(`/api/posts/${post.id}`, { body: 'Edited with [a link](https://example.com)' });
    expect(edited.status).toBe(200);
    expect(edited.body.post.html).toBe('<p>Edited with <a href="https://example.com/" rel="nofollow ugc noopener noreferrer">a link</a></p>\n');
    expect(edited.body.post.editedAt).not.toBeNull();
    expect((await member.patch(`/api/posts/${post.id}`, { body: `card ${CARD}` })).status).toBe(422);
    const other = await signedIn(agora.url, agora.stores.users, 'member');
    expect((await other.patch(`/api/posts/${post.id}`, { body: 'mine now' })).status).toBe(403);
    const mod = await signedIn(agora.url, agora.stores.users, 'moderator');
    expect((await mod.patch(`/api/posts/${post.id}`, { body: 'tidied' })).status).toBe(200);
  });

  test('posts page oldest first with a cursor', async () => {
    const { body: { thread } } = await newThread(member);
    for (let i = 0; i < 4; i++) await member.post(`/api/threads/${thread.id}/posts`, { body: `reply ${i}` });
    const seen: string[] = [];
    let url = `/api/threads/${thread.id}/posts?limit=2`;
    for (let i = 0; i < 5; i++) {
      const page = (await request(agora.url).get(url).expect(200)).body;
      seen.push(...page.items.map((p: { html: string }) => p.html));
      if (!page.nextCursor) break;
      url = `/api/threads/${thread.id}/posts?limit=2&cursor=${page.nextCursor}`;
    }
    expect(seen).toEqual(['<p>First <strong>post</strong></p>\n', ...[0, 1, 2, 3].map((i) => `<p>reply ${i}</p>\n`)]);
  });
});

test('flood control: posts beyond the per-minute limit answer 429 with Retry-After', async () => {
  const agora = await startAgora({ env: { POST_RATE_PER_MINUTE: '3' } });
  try {
    const admin = await signedIn(agora.url, agora.stores.users, 'admin');
    const forumId = (await admin.post('/api/forums', { slug: 'flood', title: 'Flood' })).body.forum.id;
    const m = await signedIn(agora.url, agora.stores.users, 'member');
    const { body: { thread } } = await m.post(`/api/forums/${forumId}/threads`, { title: 't', body: 'b' });
    expect((await m.post(`/api/threads/${thread.id}/posts`, { body: '1' })).status).toBe(201);
    // Refused writes do not count: neither personal data awaiting confirmation nor a bad body.
    expect((await m.post(`/api/threads/${thread.id}/posts`, { body: `card ${CARD}` })).status).toBe(422);
    expect((await m.post(`/api/threads/${thread.id}/posts`, { body: '' })).status).toBe(400);
    expect((await m.post(`/api/threads/${thread.id}/posts`, { body: '2' })).status).toBe(201);
    const res = await m.post(`/api/threads/${thread.id}/posts`, { body: '3' });
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    // Another member is not affected.
    const other = await signedIn(agora.url, agora.stores.users, 'member');
    expect((await other.post(`/api/threads/${thread.id}/posts`, { body: 'hi' })).status).toBe(201);
  } finally {
    await agora.close();
  }
});

test('a per-type severity of block refuses the post whatever is acknowledged', async () => {
  const agora = await startAgora({ env: { PII_SEVERITY: 'US_SSN:block' } });
  try {
    const admin = await signedIn(agora.url, agora.stores.users, 'admin');
    const forumId = (await admin.post('/api/forums', { slug: 'blocky', title: 'B' })).body.forum.id;
    const res = await admin.post(`/api/forums/${forumId}/threads`, { title: 't', body: 'my ssn is 123-45-6789', acknowledgePii: ['US_SSN'] });
    expect(res.status).toBe(422);
    expect(res.body.error.details.findings[0]).toMatchObject({ type: 'US_SSN', severity: 'block' });
    expect((await agora.stores.forum.listThreads(forumId, null, 10)).length).toBe(0);
  } finally {
    await agora.close();
  }
});
