// The two-process moderation scenarios, run on one Redis (moderation-processes.test.ts) and on a
// Redis Cluster (cluster-processes.test.ts): the same behaviour must hold on both backends.
import type { Client } from './http.js';
import type { AgoraProcess } from './process.js';
import { ACK_MS, connectSocket, nextEvent, type TestSocket } from './sockets.js';

export interface TwoProcesses {
  a: AgoraProcess;
  b: AgoraProcess;
  account(url: string, role: 'member' | 'moderator' | 'admin'): Promise<Client>;
  /** Sockets the suite disconnects when it ends. */
  sockets: TestSocket[];
}

/** A removal made through process B reaches a socket on process A. `watching` runs once A's socket watches the thread. */
export async function removalReachesOtherProcess(p: TwoProcesses, watching?: (threadId: string) => Promise<void>): Promise<void> {
  const admin = await p.account(p.b.url, 'admin');
  const forumId = (await admin.post('/api/forums', { slug: 'procs', title: 'Procs' })).body.forum.id;
  const member = await p.account(p.a.url, 'member');
  const created = await member.post(`/api/forums/${forumId}/threads`, { title: 't', body: 'to be removed across processes' });
  expect(created.status).toBe(201);
  const { thread, post } = created.body;
  const onA = await connectSocket(p.a.url);
  p.sockets.push(onA);
  expect((await onA.timeout(ACK_MS).emitWithAck('thread:watch', { threadId: thread.id })).ok).toBe(true);
  await watching?.(thread.id);
  const removed = nextEvent(onA, 'post:removed');
  const mod = await p.account(p.b.url, 'moderator');
  expect((await mod.post(`/api/posts/${post.id}/remove`, { reason: 'spam' })).status).toBe(200);
  expect(await removed).toEqual({ seq: 2, postId: post.id, threadId: thread.id });
}

/**
 * A thread removal made through process B reaches the thread's and the forum's watchers on process A
 * live, ids only; its restore announces the thread to A's forum watchers again.
 */
export async function threadRemovalReachesOtherProcess(p: TwoProcesses): Promise<void> {
  const admin = await p.account(p.b.url, 'admin');
  const forumId = (await admin.post('/api/forums', { slug: 'procs-threads', title: 'Procs' })).body.forum.id;
  const member = await p.account(p.a.url, 'member');
  const created = await member.post(`/api/forums/${forumId}/threads`, { title: 'a title to hide', body: 'to be hidden across processes' });
  expect(created.status).toBe(201);
  const threadId = created.body.thread.id as string;
  const threadTab = await connectSocket(p.a.url);
  const forumTab = await connectSocket(p.a.url, member.cookieHeader());
  p.sockets.push(threadTab, forumTab);
  expect((await threadTab.timeout(ACK_MS).emitWithAck('thread:watch', { threadId })).ok).toBe(true);
  expect(await forumTab.timeout(ACK_MS).emitWithAck('forum:watch', { forumId })).toEqual({ ok: true });
  const removed = [threadTab, forumTab].map((s) => nextEvent(s, 'thread:removed'));
  const mod = await p.account(p.b.url, 'moderator');
  expect((await mod.post(`/api/threads/${threadId}/remove`, { reason: 'doxxing' })).status).toBe(200);
  for (const e of await Promise.all(removed)) expect(e).toEqual({ threadId, forumId });
  expect((await member.get(`/api/threads/${threadId}`)).status).toBe(404); // process A reads the removal too
  const back = nextEvent(forumTab, 'thread:created');
  expect((await mod.post(`/api/threads/${threadId}/restore`, {})).status).toBe(200);
  expect((await back).thread).toMatchObject({ id: threadId, title: 'a title to hide' });
}

/** A ban made through process B closes the banned user's socket on process A, and A refuses their writes. */
export async function banClosesSocketOnOtherProcess(p: TwoProcesses): Promise<void> {
  const victim = await p.account(p.a.url, 'member');
  const s = await connectSocket(p.a.url, victim.cookieHeader());
  p.sockets.push(s);
  const closed = new Promise<string>((resolve) => s.once('disconnect', resolve));
  const mod = await p.account(p.b.url, 'moderator');
  expect((await mod.post(`/api/mod/users/${victim.user!.id}/ban`, { reason: 'spam' })).status).toBe(200);
  expect(await closed).toBe('io server disconnect');
  // And process A refuses the banned user's writes at once: its account cache dropped the record
  // when B's invalidation arrived, which B published before it closed the sockets.
  expect((await victim.post('/api/preview', { body: 'x' })).status).toBe(403);
}

/**
 * A post removed through process B: the moderators' dashboards on A and on B both show its audit
 * entry live, in the same view; a member's tab on A and a visitor's on B never hear of it.
 */
export async function auditReachesModeratorsOnEveryProcess(p: TwoProcesses): Promise<void> {
  const admin = await p.account(p.b.url, 'admin');
  const forumId = (await admin.post('/api/forums', { slug: `audit-procs-${Date.now()}`, title: 'Audit' })).body.forum.id;
  const member = await p.account(p.a.url, 'member');
  const created = await member.post(`/api/forums/${forumId}/threads`, { title: 'Seen from both sides', body: 'to be removed' });
  expect(created.status).toBe(201);
  const { thread, post } = created.body;
  const watcher = await p.account(p.a.url, 'moderator');
  const dashboards = [await connectSocket(p.a.url, watcher.cookieHeader()), await connectSocket(p.b.url, watcher.cookieHeader())];
  const others = [await connectSocket(p.a.url, member.cookieHeader()), await connectSocket(p.b.url)];
  p.sockets.push(...dashboards, ...others);
  for (const s of dashboards) expect(await s.timeout(ACK_MS).emitWithAck('mod:watch')).toEqual({ ok: true });
  const heard: string[] = [];
  for (const s of others) {
    expect((await s.timeout(ACK_MS).emitWithAck('thread:watch', { threadId: thread.id })).ok).toBe(true);
    s.onAny((event: string) => void heard.push(event));
  }

  const live = dashboards.map((s) => nextEvent(s, 'mod:audit'));
  const mod = await p.account(p.b.url, 'moderator');
  expect((await mod.post(`/api/posts/${post.id}/remove`, { reason: 'spam' })).status).toBe(200);
  const [onA, onB] = await Promise.all(live);
  expect(onA!.entry).toEqual({
    id: expect.any(String), at: expect.any(String), actor: { id: mod.user!.id, username: mod.user!.username }, action: 'post.remove',
    target: { kind: 'post', id: post.id, thread: { id: thread.id, title: 'Seen from both sides' } }, reason: 'spam',
  });
  expect(onB).toEqual(onA);
  expect((await watcher.get(`/api/mod/audit?targetId=${post.id}`)).body.items).toEqual([onA!.entry]);

  // A reply made through B after the entry reaches the member's and the visitor's tabs: an entry
  // sent to them would have come first (on one Redis, B's broadcasts arrive in the order sent; on a
  // cluster each room has its own channel, so there the check is only as strong as delivery is prompt).
  const markers = others.map((s) => nextEvent(s, 'post:created'));
  expect((await admin.post(`/api/threads/${thread.id}/posts`, { body: 'a later reply' })).status).toBe(201);
  await Promise.all(markers);
  expect(heard.filter((e) => e.startsWith('mod:'))).toEqual([]);
}
