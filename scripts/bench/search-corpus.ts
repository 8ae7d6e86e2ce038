// The search bench's forum: 100,000 short posts in 1,000 threads over 8 forums by 400 authors,
// the words drawn from a 4,000-word vocabulary with a Zipf distribution (rank r has weight 1/r,
// so "the" is about one word in nine and most words are rare), a few stock phrases that people
// actually repeat, and 1% removed and 0.5% held posts for the policy check to drop. The same
// seed gives the same forum, so two stores seeded from one corpus hold the very same records.
import { randomBytes } from 'node:crypto';
import type { ForumRecord, PostRecord, ThreadRecord } from '../../server/store/forum.js';
import type { Stores } from '../../server/store/index.js';
import type { UserRecord } from '../../server/store/users.js';
import { newId } from '../../server/store/ids.js';

/** Deterministic PRNG (mulberry32): the corpus, the queries and the replies do not vary between runs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The commonest English words in about their order, then words a forum uses, then made-up words
// (pronounceable, 2–4 syllables) for the long tail.
const COMMON = `the of and to a in is it you that for on with this i have but not are be was as at
they we can if or so my there your what all from do just about an will one would like out get
up more when no people time think some other how know then them use which also very only been
because had any could see than now make even their way good well much work here should these
really first new because thing need where same still after back want many those most problem`.split(/\s+/);
const FORUM = `moderator moderators moderation moderate moderated modern password reset server error
theme dark light release notes update login account profile thread forum reply post search page
settings browser mobile version issue bug feature request question answer help thanks support
email address notification message link image upload download install config database backup
network connection timeout cache memory performance slow fast crash restart queue review flag
report spam rule community member admin guest welcome discussion topic`.split(/\s+/);
const ONSETS = ['b', 'c', 'd', 'f', 'g', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'z', 'ch', 'sh', 'th', 'st', 'tr', 'pl', 'gr', 'br'];
const NUCLEI = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'ou'];
const CODAS = ['', '', '', 'n', 'r', 's', 't', 'l', 'nd', 'st'];

export const VOCABULARY = 4_000;
/** Stock phrases: "quoted" searches have something to find, as on a real forum. */
export const PHRASES = ['reset my password', 'dark theme', 'release notes', 'moderation queue', 'server error', 'cannot log in', 'upload an image', 'thanks for the help'];

function vocabulary(random: () => number): string[] {
  const words = [...new Set(COMMON)];
  const seen = new Set([...words, ...FORUM]);
  // Forum words spread over ranks 100–1,500: frequent enough to search for, not function words.
  const forumAt = new Map(FORUM.map((w, i) => [100 + Math.floor((i * 1400) / FORUM.length), w]));
  while (words.length < VOCABULARY) {
    const forum = forumAt.get(words.length);
    if (forum) {
      words.push(forum);
      continue;
    }
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
    let w = '';
    for (let s = 2 + Math.floor(random() * 3); s > 0; s--) w += pick(ONSETS) + pick(NUCLEI);
    w += pick(CODAS);
    if (!seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  return words;
}

export interface Corpus {
  words: string[];
  forums: ForumRecord[];
  users: UserRecord[];
  threads: ThreadRecord[];
  /** Every post, each thread's first post first. */
  posts: PostRecord[];
  /** Each post's published text (what the baseline indexes); parallel to `posts`. */
  texts: string[];
  /** A sentence of new words for a reply (the write bench). */
  sentence(): string;
}

export interface CorpusShape { posts: number; threads: number; forums: number; authors: number; seed: number }

export function makeCorpus(shape: CorpusShape): Corpus {
  const random = rng(shape.seed);
  const words = vocabulary(random);
  const cumulative = new Float64Array(words.length);
  let total = 0;
  for (let r = 0; r < words.length; r++) cumulative[r] = total += 1 / (r + 1);
  const word = () => {
    const u = random() * total;
    let lo = 0;
    let hi = words.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return words[lo]!;
  };
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const text = (n: number) => {
    const out: string[] = [];
    const phraseAt = random() < 0.15 ? Math.floor(random() * n) : -1;
    let sentence = 0;
    for (let i = 0; i < n; i++) {
      let w = i === phraseAt ? PHRASES[Math.floor(random() * PHRASES.length)]! : word();
      if (sentence === 0) w = w[0]!.toUpperCase() + w.slice(1);
      sentence++;
      if (sentence >= between(6, 14) || i === n - 1) {
        w += '.';
        sentence = 0;
      } else if (random() < 0.06) {
        w += ',';
      }
      out.push(w);
    }
    return out.join(' ');
  };

  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const iso = (ms: number) => new Date(ms).toISOString();
  const forums: ForumRecord[] = Array.from({ length: shape.forums }, (_, i) => ({
    id: newId(), slug: `bench-forum-${i}`, title: `Forum ${i}`, description: 'search bench', createdAt: iso(t0), position: i,
  }));
  const tag = randomBytes(3).toString('hex');
  const users: UserRecord[] = Array.from({ length: shape.authors }, (_, i) => ({
    id: newId(), username: `sb${tag}u${i}`, email: `sb${tag}u${i}@example.com`, passwordHash: 'not-a-hash', role: 'member',
    createdAt: iso(t0), referralCode: `sb${tag}r${i}`, referredBy: null, ban: null, emailVerified: true,
  }));
  const threads: ThreadRecord[] = [];
  const posts: PostRecord[] = [];
  const texts: string[] = [];
  const perThread = Math.floor(shape.posts / shape.threads);
  for (let t = 0; t < shape.threads; t++) {
    const created = t0 + t * 10_000_000;
    const n = t === shape.threads - 1 ? shape.posts - perThread * t : perThread;
    const thread: ThreadRecord = {
      id: newId(), forumId: forums[t % forums.length]!.id, title: text(between(4, 9)).replace(/\.$/, ''), authorId: null,
      createdAt: iso(created), lastPostAt: iso(created + (n - 1) * 1000), postCount: 0, locked: false, held: false,
    };
    for (let j = 0; j < n; j++) {
      const body = text(between(20, 80));
      const author = users[Math.floor(random() * users.length)]!;
      const roll = random();
      const status = j > 0 && roll < 0.01 ? 'removed' : j > 0 && roll < 0.015 ? 'held' : 'visible';
      if (j === 0) thread.authorId = author.id;
      if (status === 'visible') thread.postCount++;
      posts.push({
        id: newId(), threadId: thread.id, forumId: thread.forumId, authorId: author.id, source: body, html: `<p>${body}</p>\n`,
        createdAt: iso(created + j * 1000), editedAt: null, status, piiTypes: [],
        removal: status === 'removed' ? { byId: users[0]!.id, reason: 'spam', at: iso(created + j * 1000 + 500) } : null,
        heldReason: status === 'held' ? 'flags' : null, purged: false,
      });
      texts.push(body);
    }
    threads.push(thread);
  }
  return { words, forums, users, threads, posts, texts, sentence: () => text(between(20, 80)) };
}

export interface Query { name: string; q: string; forumId?: string }

/** The query mix of the latency figures: what people type, through every kind of query. */
export function mix(c: Corpus): Query[] {
  return [
    { name: 'common word', q: 'people' },
    { name: 'very common word', q: 'with' },
    { name: 'rare word', q: c.words[3_500]! },
    { name: 'two words', q: 'moderator update' },
    { name: 'prefix', q: 'moder' },
    { name: 'phrase', q: '"reset my password"' },
    { name: 'exclusion', q: 'password -reset' },
    { name: 'forum filter', q: 'server', forumId: c.forums[3]!.id },
  ];
}

/** Queries made to be slow: the worst-case figure. */
export function crafted(c: Corpus): Query[] {
  const fill = (parts: string[], sep = ' ') => {
    let s = '';
    for (let i = 0; s.length + sep.length + parts[i % parts.length]!.length <= 198; i++) s += (s ? sep : '') + parts[i % parts.length];
    return s;
  };
  const short = c.words.slice(0, 60).filter((w) => w.length <= 3);
  const longPost = c.texts.find((t) => t.length > 200)!;
  return [
    { name: '200 chars of short common words', q: fill(short) },
    { name: '2-letter prefix "th"', q: 'th' },
    { name: 'most common word alone', q: 'the' },
    { name: 'many exclusions', q: `server ${fill(short.map((w) => `-${w}`))}`.slice(0, 200) },
    { name: 'long quoted phrase (from a post)', q: `"${longPost.slice(0, 196).replace(/\s+\S*$/, '')}"` },
    { name: 'long quoted phrase, common words', q: `"${fill(short)}"`.slice(0, 200) },
  ];
}

/** Runs `fn` over `items` with at most `width` at a time (the store's round trips overlap). */
export async function pool<T>(items: readonly T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

/** Writes the corpus through the store API: forums, accounts, each thread with its first post, then the replies. */
export async function seed(stores: Stores, corpus: Corpus, width: number): Promise<void> {
  const { forum, users } = stores;
  await pool(corpus.forums, width, (f) => forum.createForum(f));
  await pool(corpus.users, width, (u) => users.create(u));
  const byThread = new Map(corpus.threads.map((t) => [t.id, t]));
  const first = new Set<string>();
  const firsts = corpus.posts.filter((p) => !first.has(p.threadId) && first.add(p.threadId));
  await pool(firsts, width, (p) => forum.createThread({ ...byThread.get(p.threadId)!, postCount: 1, lastPostAt: p.createdAt }, p, { event: 'post:created', audience: 'all' }));
  const firstIds = new Set(firsts.map((p) => p.id));
  await pool(corpus.posts.filter((p) => !firstIds.has(p.id)), width, async (p) => {
    const res = await forum.addPost(p, { event: 'post:created', audience: p.status === 'visible' ? 'all' : 'privileged' });
    if (!res.ok) throw new Error(`seeding: addPost refused (${res.reason})`);
  });
}
