import { startAgora, type Running } from '../../helpers/agora.js';
import { captureLogs } from '../../helpers/log-capture.js';
import { createMemoryStores } from '../../../server/store/index.js';
import { Client, signedIn } from '../../helpers/http.js';
import { canary, search, searchAll, searchRaw } from '../../helpers/search.js';

// Search finds what a reader may see and never what they may not (API.md, Search): removed, purged
// and held posts, posts of removed threads, posts removed with their author's account, masked
// values and Markdown source never show; each rule is checked right after the write that should
// take effect, on one process (two processes: processes.test.ts).

const PASSWORD = 'a fine long password';

describe.each(['memory', 'redis'] as const)('search visibility on the %s store', (store) => {
  let agora: Running;
  let admin: Client;
  let moderator: Client;
  let author: Client;
  let member: Client;
  let forumId: string;
  const anonymous = () => null;

  beforeAll(async () => {
    agora = await startAgora({ store, env: { POST_RATE_PER_MINUTE: '1000', HOLD_ACKNOWLEDGED_PII: 'PHONE', SEARCH_RATE_PER_MINUTE: '100000' } });
    admin = await signedIn(agora.url, agora.stores.users, 'admin');
    forumId = (await admin.post('/api/forums', { slug: `sv-${Date.now()}`, title: 'Visibility' })).body.forum.id;
    moderator = await signedIn(agora.url, agora.stores.users, 'moderator');
    author = await signedIn(agora.url, agora.stores.users, 'member');
    member = await signedIn(agora.url, agora.stores.users, 'member');
  });
  afterAll(async () => {
    await agora.close();
  });

  async function thread(by: Client, title: string, body: string, extra: Record<string, unknown> = {}) {
    const res = await by.post(`/api/forums/${forumId}/threads`, { title, body, ...extra });
    expect(res.status).toBe(201);
    return { threadId: res.body.thread.id as string, postId: res.body.post.id as string };
  }
  async function reply(by: Client, threadId: string, body: string, extra: Record<string, unknown> = {}) {
    const res = await by.post(`/api/threads/${threadId}/posts`, { body, ...extra });
    expect(res.status).toBe(201);
    return res.body.post.id as string;
  }
  const ids = async (q: string, who: Client | null, params = {}) => (await search(agora.url, q, who, params)).map((h) => h.post.id);

  test('a post is found by any word of its body or its thread title, whatever the case and accents, and the last word as a prefix', async () => {
    const word = canary('zephyr');
    const { threadId, postId } = await thread(author, `Crème Brûlée ${word}`, 'Where do I find the moderation guidelines?');
    const replyId = await reply(member, threadId, `Try the FAQ, ${word}.`);
    expect(new Set(await ids(word, anonymous()))).toEqual(new Set([postId, replyId]));
    expect(await ids(`creme brulee ${word}`, anonymous())).toEqual([postId]);
    expect(await ids(`${word} MODERATION`, member)).toEqual([postId]);
    expect(await ids(`${word} moderat`, member)).toEqual([postId]);
    // Only the last word is a prefix.
    expect(await ids(`moderat ${word}`, member)).toEqual([]);
    const [hit] = await search(agora.url, `${word} guide`, member);
    expect(hit).toMatchObject({ post: { id: postId, author: { username: author.user!.username } }, thread: { id: threadId, title: `Crème Brûlée ${word}` } });
    expect(hit!.snippet).toBe('Where do I find the moderation <mark>guidelines</mark>?');
  });

  test('a title match ranks above a body match; equal matches come newest first; pages hold every hit once', async () => {
    const word = canary('quill');
    const inBody = await thread(author, 'Some thread', `The ${word} is here`);
    const inTitle = await thread(author, `All about ${word}`, 'nothing else to say');
    const older = await reply(member, inBody.threadId, `another ${word} mention`);
    const newer = await reply(member, inBody.threadId, `another ${word} mention`);
    const order = await ids(word, member);
    expect(order[0]).toBe(inTitle.postId);
    expect(order.indexOf(newer)).toBeLessThan(order.indexOf(older));
    const paged = await searchAll(agora.url, word, member, { limit: 1 });
    expect(paged).toEqual(order);
  });

  test('"phrases" need their words in a row, -words leave posts out, and filters narrow by forum and author', async () => {
    const word = canary('lantern');
    const otherForum = (await admin.post('/api/forums', { slug: `sv2-${Date.now()}`, title: 'Other' })).body.forum.id as string;
    const a = await thread(author, 'Phrases', `${word} red green blue`);
    const b = await reply(member, a.threadId, `${word} green red blue`);
    const c = (await author.post(`/api/forums/${otherForum}/threads`, { title: 'Elsewhere', body: `${word} red green` })).body.post.id as string;
    expect(new Set(await ids(`${word} "red green"`, member))).toEqual(new Set([a.postId, c]));
    expect(await ids(`${word} "green red"`, member)).toEqual([b]);
    expect(new Set(await ids(`${word} -blue`, member))).toEqual(new Set([c]));
    expect(new Set(await ids(`${word} -"red green"`, member))).toEqual(new Set([b]));
    expect(new Set(await ids(word, member, { forumId: otherForum }))).toEqual(new Set([c]));
    expect(new Set(await ids(word, member, { author: member.user!.username }))).toEqual(new Set([b]));
    expect(await ids(word, member, { author: 'nobody-by-this-name' })).toEqual([]);
  });

  test('a removed post leaves the results before the removal answers; moderators find it with status=removed; a restore brings it back', async () => {
    const word = canary('ember');
    const { postId } = await thread(author, 'To be removed', `this ${word} goes away`);
    expect(await ids(word, member)).toEqual([postId]);
    expect((await moderator.post(`/api/posts/${postId}/remove`, { reason: 'spam' })).status).toBe(200);
    for (const who of [anonymous(), member, author, moderator]) expect(await ids(word, who)).toEqual([]);
    expect(await ids(word, moderator, { status: 'removed' })).toEqual([postId]);
    const refused = await searchRaw(agora.url, word, member, { status: 'removed' });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'forbidden']);
    expect((await moderator.post(`/api/posts/${postId}/restore`, {})).status).toBe(200);
    expect(await ids(word, member)).toEqual([postId]);
  });

  test('a purged post is found by nobody, moderators included, and its words leave the index', async () => {
    const word = canary('cinder');
    const { postId } = await thread(author, 'To be purged', `secret ${word} here`);
    expect((await moderator.post(`/api/posts/${postId}/purge`, { reason: 'personal data' })).status).toBe(204);
    expect(await ids(word, moderator, { status: 'removed' })).toEqual([]);
    expect(await ids(word, moderator)).toEqual([]);
    expect(agora.agora.search.engine.has(postId)).toBe(false);
    await agora.agora.search.engine.vacuum();
    expect(agora.agora.search.engine.toJSON()).not.toContain(word);
  });

  test('a held post is found by its author and moderators only, and by everyone once approved', async () => {
    const word = canary('sprout');
    const { threadId } = await thread(author, 'Held replies', 'a visible start');
    const held = await reply(author, threadId, `call me on +44 20 7946 0958 about ${word}`, { acknowledgePii: ['PHONE'] });
    expect(await ids(word, author)).toEqual([held]);
    expect(await ids(word, moderator)).toEqual([held]);
    expect(await ids(word, member)).toEqual([]);
    expect(await ids(word, anonymous())).toEqual([]);
    expect((await moderator.post(`/api/posts/${held}/approve`, {})).status).toBe(200);
    expect(await ids(word, member)).toEqual([held]);
  });

  test('the posts and title of a removed thread are found by nobody but moderators searching removed posts; a purged thread by nobody', async () => {
    const word = canary('harbor');
    const { threadId, postId } = await thread(author, `Title ${word}`, 'the first post');
    const replyId = await reply(member, threadId, `a reply with ${word}`);
    expect((await moderator.post(`/api/threads/${threadId}/remove`, { reason: 'doxxing' })).status).toBe(200);
    for (const who of [anonymous(), member, author, moderator]) expect(await ids(word, who)).toEqual([]);
    expect(new Set(await ids(word, moderator, { status: 'removed' }))).toEqual(new Set([postId, replyId]));
    expect((await moderator.post(`/api/threads/${threadId}/restore`, { reason: 'ok' })).status).toBe(200);
    expect(new Set(await ids(word, member))).toEqual(new Set([postId, replyId]));
    expect((await moderator.post(`/api/threads/${threadId}/purge`, { reason: 'gone' })).status).toBe(204);
    expect(await ids(word, moderator, { status: 'removed' })).toEqual([]);
    expect(agora.agora.search.engine.has(replyId)).toBe(false);
  });

  test('deleting an account with its posts takes them and its thread titles out of search; kept posts show as a former member\'s', async () => {
    const word = canary('willow');
    const leaving = await signedIn(agora.url, agora.stores.users, 'member');
    const staying = await signedIn(agora.url, agora.stores.users, 'member');
    const gone = await thread(leaving, `Gone ${word}`, 'erased with the account');
    const replyOnGone = await reply(member, gone.threadId, 'a reply of someone else');
    const kept = await thread(staying, `Kept ${word}`, 'kept without a name');
    expect((await leaving.del('/api/me', { password: PASSWORD, posts: 'remove' })).status).toBe(204);
    expect((await staying.del('/api/me', { password: PASSWORD, posts: 'anonymize' })).status).toBe(204);
    expect(await ids(word, moderator, { status: 'removed' })).toEqual([]);
    const hits = await search(agora.url, word, member);
    expect(hits.map((h) => h.post.id)).toEqual([kept.postId]);
    expect(hits[0]!.post.author).toEqual({ id: 'former-member', username: 'former member' });
    expect(await ids('erased account', member)).toEqual([]);
    // The other member's reply stays findable under the erased title's placeholder.
    expect((await search(agora.url, 'reply of someone else', member)).find((h) => h.post.id === replyOnGone)?.thread.title).toBe('(title removed by its author)');
  });

  test('masked values and Markdown source are not searchable: the index holds what readers see', async () => {
    const word = canary('vault');
    const card = '4111 1111 1111 1111';
    await thread(author, `Pay ${word}`, `card ${card} and mail jo.doe@example.com, see [the docs](https://hidden-link-${word}.example/x)`,
      { acknowledgePii: ['CREDIT_CARD', 'EMAIL'], maskPii: ['EMAIL'] });
    expect(await ids(card, moderator)).toEqual([]);
    expect(await ids(`${word} 4111`, moderator)).toEqual([]);
    expect(await ids(`${word} example`, moderator)).toEqual([]);
    expect(await ids(`hidden link ${word}`, moderator)).toEqual([]);
    const [hit] = await search(agora.url, `${word} docs`, member);
    expect(hit!.snippet).not.toContain('4111');
    expect(hit!.snippet).not.toContain('jo.doe');
    expect(hit!.snippet).toContain('<mark>docs</mark>');
  });

  test('a snippet is the published text escaped, with nothing but <mark> as markup', async () => {
    const word = canary('glyph');
    await thread(author, 'Escapes', `\`<img src=x onerror=alert(1)>\` & "quotes" ${word}`);
    const [hit] = await search(agora.url, word, member);
    expect(hit!.snippet).toBe(`&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot; <mark>${word}</mark>`);
  });

  test('bad queries answer 400 in the error shape, and the process stays up', async () => {
    for (const q of ['', '   ', 'x'.repeat(201), '-only -exclusions']) {
      const res = await searchRaw(agora.url, q, member);
      expect([res.status, res.body.error.code, res.body.error.details.field]).toEqual([400, 'invalid_request', 'q']);
    }
    expect((await member.get('/api/search?q=a&limit=0')).status).toBe(400);
    expect((await member.get('/api/search?q=a&cursor=not-a-cursor')).status).toBe(400);
    expect((await member.get('/api/search?q=a&what=1')).status).toBe(400);
    expect((await member.get('/api/search?q=ok')).status).toBe(200);
  });
});

test('searches are rate limited per client address with 429 and Retry-After', async () => {
  const agora = await startAgora({ env: { SEARCH_RATE_PER_MINUTE: '3' } });
  try {
    const statuses: number[] = [];
    const answers = await Promise.all(Array.from({ length: 5 }, () => searchRaw(agora.url, 'anything', null)));
    for (const r of answers) statuses.push(r.status);
    expect(statuses.sort()).toEqual([200, 200, 200, 429, 429]);
    const limited = answers.find((r) => r.status === 429)!;
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  } finally {
    await agora.close();
  }
});

test('a feed that cannot take a change does not fail the post: it answers 201, is findable on its own process, and the failure is logged', async () => {
  const stores = createMemoryStores({ secret: 'test' });
  stores.search.append = async () => {
    throw Object.assign(new Error('feed down'), { code: 'ECONNRESET' });
  };
  const logs = captureLogs('warn');
  const agora = await startAgora({ stores, logger: logs.logger });
  try {
    const admin = await signedIn(agora.url, stores.users, 'admin');
    const forumId = (await admin.post('/api/forums', { slug: `fd-${Date.now()}`, title: 'Feed down' })).body.forum.id;
    const word = canary('flint');
    const res = await admin.post(`/api/forums/${forumId}/threads`, { title: 'Still posted', body: `written ${word}` });
    expect(res.status).toBe(201);
    expect((await search(agora.url, word, null)).map((h) => h.post.id)).toEqual([res.body.post.id]);
    expect(logs.text()).toContain('search feed did not take a change');
  } finally {
    await agora.close();
    await stores.close();
  }
});
