import request from 'supertest';
import { startAgora, type Running } from '../helpers/agora.js';
import { Client, signedIn, uniqueName } from '../helpers/http.js';
import { createAccount } from '../../server/auth/service.js';
import { editPost, reply, startThread, type ForumDeps } from '../../server/forum/service.js';
import type { UserRecord } from '../../server/store/users.js';

// @mentions end to end: what the reply, the edit and the preview answer, the members the service
// reports as mentioned (what the notifier starts from), and the store's batch look-up by name.

const mentionOf = (user: UserRecord, written: string) => `<a href="/u/${user.username}" class="mention">@${written}</a>`;

describe.each(['memory', 'redis'] as const)('mentions on the %s store', (store) => {
  let agora: Running;
  let author: Client;
  let authorRecord: UserRecord;
  let ann: UserRecord;
  let ben: UserRecord;
  let forumId: string;
  let threadId: string;
  const unknown = uniqueName('nobody');

  const member = (base: string) =>
    createAccount(agora.stores.users, { username: uniqueName(base), email: `${uniqueName(base)}@example.com`, password: 'a fine long password', role: 'member' });

  beforeAll(async () => {
    agora = await startAgora({ store, env: { POST_RATE_PER_MINUTE: '1000' } });
    const admin = await signedIn(agora.url, agora.stores.users, 'admin');
    author = await signedIn(agora.url, agora.stores.users, 'member');
    authorRecord = (await agora.stores.users.findByUsername(author.user!.username))!;
    ann = await member('Ann_');
    ben = await member('Ben.');
    const forum = await admin.post('/api/forums', { slug: `mentions-${Date.now()}`, title: 'Mentions' });
    forumId = forum.body.forum.id;
    const thread = await author.post(`/api/forums/${forumId}/threads`, { title: 'Say hello', body: `Welcome @${ann.username}` });
    expect(thread.status).toBe(201);
    expect(thread.body.post.html).toBe(`<p>Welcome ${mentionOf(ann, ann.username)}</p>\n`);
    threadId = thread.body.thread.id;
  });
  afterAll(() => agora.close());

  test('a reply mentioning a member and an unknown name links the member and leaves the other as text', async () => {
    const written = ann.username.toLowerCase();
    const res = await author.post(`/api/threads/${threadId}/posts`, { body: `Thanks @${written}, and @${unknown}!` });
    expect(res.status).toBe(201);
    expect(res.body.post.html).toBe(`<p>Thanks ${mentionOf(ann, written)}, and @${unknown}!</p>\n`);
    expect((await request(agora.url).get(`/api/posts/${res.body.post.id}`).expect(200)).body.post.html).toBe(res.body.post.html);
  });

  test('an edit and the preview link the same names as a new post does', async () => {
    const first = await author.post(`/api/threads/${threadId}/posts`, { body: 'nothing to see' });
    expect(first.body.post.html).not.toContain('class="mention"');
    const body = `cc @${ben.username.toUpperCase()} and @${unknown}, not \`@${ann.username}\``;
    const expected = `<p>cc ${mentionOf(ben, ben.username.toUpperCase())} and @${unknown}, not <code>@${ann.username}</code></p>\n`;
    const edited = await author.patch(`/api/posts/${first.body.post.id}`, { body });
    expect(edited.status).toBe(200);
    expect(edited.body.post.html).toBe(expected);
    const preview = await author.post('/api/preview', { body });
    expect(preview.status).toBe(200);
    expect(preview.body).toEqual({ html: expected, findings: [] });
  });

  test('the service reports the members a post mentions, and which of them an edit mentions anew', async () => {
    const deps: ForumDeps = {
      forum: agora.stores.forum, users: agora.stores.users, config: agora.config, now: Date.now,
      publisher: { postEvent: async () => {}, threadEvent: () => {} },
      postLimiter: agora.stores.limiters.create('test-mention-posts', 1000, 60),
      previewLimiter: agora.stores.limiters.create('test-mention-previews', 1000, 60),
    };
    const draft = (body: string) => ({ body, acknowledgePii: [] });
    const started = await startThread(deps, authorRecord, forumId, { title: 'Roll call', ...draft(`@${ben.username} @${unknown}`) });
    expect(started.mentionedIds).toEqual([ben.id]);
    const replied = await reply(deps, authorRecord, started.thread.id, draft(`@${ann.username} \`@${ben.username}\` [@${ben.username}](https://example.org/)`));
    expect(replied.mentionedIds).toEqual([ann.id]);
    const edited = await editPost(deps, authorRecord, replied.post.id, draft(`@${ann.username.toUpperCase()} and now @${ben.username}`));
    expect(edited.mentionedIds.sort()).toEqual([ann.id, ben.id].sort());
    expect(edited.newlyMentionedIds).toEqual([ben.id]);
    const plain = await reply(deps, authorRecord, started.thread.id, draft('no names here'));
    expect(plain.mentionedIds).toEqual([]);
  });

  test('members are found by name in one batch, in any case, and unknown names are left out', async () => {
    const found = await agora.stores.users.findByUsernames([ann.username.toUpperCase(), unknown, ben.username.toLowerCase()]);
    expect([...found.keys()].sort()).toEqual([ann.username.toLowerCase(), ben.username.toLowerCase()].sort());
    expect(found.get(ann.username.toLowerCase())?.id).toBe(ann.id);
    expect(found.get(ben.username.toLowerCase())?.username).toBe(ben.username);
    expect((await agora.stores.users.findByUsernames([])).size).toBe(0);
  });
});
