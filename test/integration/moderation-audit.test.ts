// The audit log names who did what to what, and every moderator's dashboard hears of a new entry
// the moment it is written (`mod:audit`, API.md Realtime), in the view the audit page answers:
// never a member's or a visitor's socket.
import { startAgora, type Running } from '../helpers/agora.js';
import { signedIn, type Client } from '../helpers/http.js';
import { ACK_MS, connectSocket, nextEvent, type TestSocket } from '../helpers/sockets.js';
import { auditEventSchema, type AuditEntry } from '../../shared/schemas/index.js';

const PASSWORD = 'a fine long password'; // signedIn's
const FORMER_MEMBER = { id: 'former-member', username: 'former member' };

describe.each(['memory', 'redis'] as const)('the live audit log on the %s store', (store) => {
  let agora: Running;
  let admin: Client;
  let moderator: Client;
  let colleague: Client;
  let member: Client;
  let forumId: string;
  const sockets: TestSocket[] = [];
  const open = async (c?: Client) => {
    const s = await connectSocket(agora.url, c?.cookieHeader());
    sockets.push(s);
    return s;
  };
  /** A moderator's dashboard: a socket in the moderators' room. */
  const dashboard = async (c: Client) => {
    const s = await open(c);
    expect(await s.timeout(ACK_MS).emitWithAck('mod:watch')).toEqual({ ok: true });
    return s;
  };
  /** The next `mod:audit` on this socket, checked against the strict shared schema. */
  const nextEntry = async (s: TestSocket): Promise<AuditEntry> => auditEventSchema.parse(await nextEvent(s, 'mod:audit')).entry;
  const auditOf = async (targetId: string): Promise<AuditEntry[]> => (await moderator.get(`/api/mod/audit?targetId=${targetId}`)).body.items;
  const ref = (c: Client) => ({ id: c.user!.id, username: c.user!.username });

  beforeAll(async () => {
    agora = await startAgora({ store, env: { POST_RATE_PER_MINUTE: '1000' } });
    admin = await signedIn(agora.url, agora.stores.users, 'admin');
    moderator = await signedIn(agora.url, agora.stores.users, 'moderator');
    colleague = await signedIn(agora.url, agora.stores.users, 'moderator');
    member = await signedIn(agora.url, agora.stores.users, 'member');
    forumId = (await admin.post('/api/forums', { slug: `audit-${Date.now()}`, title: 'Audit' })).body.forum.id;
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await agora.close();
  });

  async function thread(title: string, by: Client = member) {
    const res = await by.post(`/api/forums/${forumId}/threads`, { title, body: 'the opening post' });
    expect(res.status).toBe(201);
    return { threadId: res.body.thread.id as string, firstId: res.body.post.id as string };
  }
  async function reply(threadId: string, body: string) {
    const res = await member.post(`/api/threads/${threadId}/posts`, { body });
    expect(res.status).toBe(201);
    return res.body.post.id as string;
  }

  test("removing a post shows its entry on every moderator's dashboard at once, as the audit page has it, and on nobody else's socket", async () => {
    const { threadId } = await thread('Which watch to buy');
    const postId = await reply(threadId, 'replica watches, cheap');
    const dashboards = [await dashboard(moderator), await dashboard(colleague)];
    const memberTab = await open(member);
    const visitorTab = await open();
    const heard: string[] = [];
    for (const s of [memberTab, visitorTab]) {
      expect(await s.timeout(ACK_MS).emitWithAck('mod:watch')).toEqual({ ok: false, error: { code: 'forbidden' } });
      expect((await s.timeout(ACK_MS).emitWithAck('thread:watch', { threadId })).ok).toBe(true);
      s.onAny((event: string) => void heard.push(event));
    }

    const live = dashboards.map(nextEntry);
    expect((await colleague.post(`/api/posts/${postId}/remove`, { reason: 'spam' })).status).toBe(200);
    const [entry, sameEntry] = await Promise.all(live);
    expect(entry).toEqual({
      id: expect.any(String), at: expect.any(String), actor: ref(colleague), action: 'post.remove',
      target: { kind: 'post', id: postId, thread: { id: threadId, title: 'Which watch to buy' } }, reason: 'spam',
    });
    expect(sameEntry).toEqual(entry);
    expect(await auditOf(postId)).toEqual([entry]);

    // A later reply reaches the member's and the visitor's tabs: an entry sent to them would have come first.
    const markers = [memberTab, visitorTab].map((s) => nextEvent(s, 'post:created'));
    await reply(threadId, 'a later reply');
    await Promise.all(markers);
    expect(heard.filter((e) => e.startsWith('mod:'))).toEqual([]);
    expect(heard).toContain('post:removed'); // they did hear of the removal itself, ids only
  });

  test("a removed thread is named for moderators; once purged it has no title, anywhere in the audit", async () => {
    const { threadId } = await thread('A title to purge');
    const postId = await reply(threadId, 'a reply in it');
    const tab = await dashboard(moderator);

    let live = nextEntry(tab);
    expect((await moderator.post(`/api/posts/${postId}/remove`, { reason: 'off topic' })).status).toBe(200);
    expect((await live).target).toEqual({ kind: 'post', id: postId, thread: { id: threadId, title: 'A title to purge' } });
    live = nextEntry(tab);
    expect((await moderator.post(`/api/threads/${threadId}/remove`, { reason: 'doxxing' })).status).toBe(200);
    expect(await live).toMatchObject({ action: 'thread.remove', target: { kind: 'thread', id: threadId, title: 'A title to purge' } });

    live = nextEntry(tab);
    expect((await moderator.post(`/api/threads/${threadId}/purge`, { reason: 'doxxing' })).status).toBe(204);
    expect(await live).toMatchObject({ action: 'thread.purge', target: { kind: 'thread', id: threadId, title: null } });
    expect((await auditOf(threadId)).map((e) => e.target)).toEqual([
      { kind: 'thread', id: threadId, title: null },
      { kind: 'thread', id: threadId, title: null },
    ]);
    expect((await auditOf(postId)).map((e) => e.target)).toEqual([{ kind: 'post', id: postId, thread: { id: threadId, title: null } }]);
  });

  test('a member acted on is named by username, and shows as "former member" once they deleted their account', async () => {
    const leaver = await signedIn(agora.url, agora.stores.users, 'member');
    const tab = await dashboard(moderator);
    const live = nextEntry(tab);
    expect((await moderator.post(`/api/mod/users/${leaver.user!.id}/ban`, { reason: 'spam' })).status).toBe(200);
    expect(await live).toMatchObject({ action: 'user.ban', actor: ref(moderator), target: { kind: 'user', id: leaver.user!.id, user: ref(leaver) } });
    expect((await moderator.post(`/api/mod/users/${leaver.user!.id}/unban`)).status).toBe(200);

    expect((await leaver.del('/api/me', { password: PASSWORD, posts: 'remove' })).status).toBe(204);
    const entries = await auditOf(leaver.user!.id);
    expect(entries.map((e) => [e.action, e.target])).toEqual([
      ['user.unban', { kind: 'user', id: leaver.user!.id, user: FORMER_MEMBER }],
      ['user.ban', { kind: 'user', id: leaver.user!.id, user: FORMER_MEMBER }],
    ]);
  });
});
