// The in-process index: what it recalls for a query, in what order, what it forgets (and when it
// forgets for good), and that a snapshot of it answers like the original.
import { MAX_EXCLUSION_READS, MAX_RECALL_TERMS, SearchEngine, TITLE_BOOST, type IndexedPost } from '../../../server/search/engine.js';
import { parseQuery } from '../../../server/search/text.js';
import { answers } from '../../../server/search/answers.js';

let seq = 0;
const doc = (over: Partial<IndexedPost> = {}): IndexedPost => ({
  id: `p${++seq}`, threadId: 't1', forumId: 'f1', authorId: 'a1', status: 'visible', threadState: 'visible',
  createdAt: 1_000 + seq, first: false, title: null, text: 'filler', ...over,
});

const everything = () => true;
const ids = (engine: SearchEngine, q: string, keep: Parameters<SearchEngine['find']>[1] = everything) => engine.find(parseQuery(q), keep).map((c) => c.id);

const engineWith = (...docs: IndexedPost[]) => {
  const engine = SearchEngine.empty();
  for (const d of docs) engine.upsert(d);
  return engine;
};

describe('the search index', () => {
  test('finds a post by a word of its text and a first post by a word of its title', () => {
    const body = doc({ text: 'my tomatoes are splitting' });
    const titled = doc({ first: true, title: 'Compost questions', text: 'what goes in' });
    const engine = engineWith(body, titled, doc({ text: 'unrelated words' }));
    expect(ids(engine, 'tomatoes ')).toEqual([body.id]);
    expect(ids(engine, 'compost ')).toEqual([titled.id]);
  });

  test(`a word in a thread's title ranks above the same word in a post's text (title weighs ${TITLE_BOOST}×)`, () => {
    // Same lengths and word counts, so only the field can make the difference.
    const inBody = doc({ first: true, title: 'Summer garden', text: 'pruning roses early', createdAt: 2_000_000 });
    const inTitle = doc({ first: true, title: 'Pruning garden', text: 'summer roses early', createdAt: 1_000_000 });
    const engine = engineWith(inBody, inTitle);
    const found = engine.find(parseQuery('pruning '), everything);
    expect(found.map((c) => c.id)).toEqual([inTitle.id, inBody.id]);
    expect(found[0]!.score).toBeGreaterThan(found[1]!.score);
  });

  test('case and accents do not matter, in the text or in the query', () => {
    const d = doc({ text: 'La CRÈME brûlée du Café' });
    const engine = engineWith(d, doc({ text: 'cream' }));
    expect(ids(engine, 'creme brulee ')).toEqual([d.id]);
    expect(ids(engine, 'CAFÉ ')).toEqual([d.id]);
  });

  test('the last word typed also finds longer words it begins; an earlier word or one followed by a space does not', () => {
    const d = doc({ text: 'gardening tomatoes' });
    const engine = engineWith(d);
    expect(ids(engine, 'tomatoes gard')).toEqual([d.id]);
    expect(ids(engine, 'tomatoes gard ')).toEqual([]);
    expect(ids(engine, 'gard tomatoes')).toEqual([]);
  });

  test('an excluded word keeps posts holding it out of the results', () => {
    const withSlug = doc({ text: 'tomato leaves with a slug' });
    const clean = doc({ text: 'tomato leaves all fine' });
    const engine = engineWith(withSlug, clean);
    expect(ids(engine, 'tomato -slug')).toEqual([clean.id]);
    expect(ids(engine, '-slug')).toEqual([]);
  });

  test('an excluded word keeps posts out however many posts hold it: the index rules them out, not the check', () => {
    // "tomato" and "big" each in 76,000 posts: walking both lists would pass MAX_POSTINGS, where an
    // exclusion used to be skipped and every "tomato big" post left to the store-side check.
    const engine = SearchEngine.empty();
    for (let i = 0; i < 76_000; i++) engine.upsert(doc({ text: 'tomato big' }));
    const clean = doc({ text: 'tomato clean' });
    engine.upsert(clean);
    expect(ids(engine, 'tomato -big')).toEqual([clean.id]);
    // Many exclusions at once, each in many posts.
    const many = Array.from({ length: 40 }, (_, i) => `w${i}`);
    for (let i = 0; i < 2_000; i++) engine.upsert(doc({ text: `tomato ${many[i % 40]}` }));
    expect(ids(engine, `tomato ${many.map((w) => `-${w}`).join(' ')} -big`)).toEqual([clean.id]);
    // The marks do not outlive the query.
    expect(ids(engine, 'tomato clean')).toEqual([clean.id]);
    expect(ids(engine, 'w3').length).toBe(50);
  });

  test(`exclusions read at most ${MAX_EXCLUSION_READS} entries; the candidates past that are left to the check, which rules them out`, () => {
    // 25,000 posts of 60 distinct words, 50 of them excluded: every way of ruling the posts out in
    // the index reads more than the budget, so the index stops and the check has the last word.
    const shared = Array.from({ length: 60 }, (_, i) => `v${i}`);
    const engine = SearchEngine.empty();
    for (let i = 0; i < 25_000; i++) engine.upsert(doc({ text: `seed ${shared.join(' ')}` }));
    const query = parseQuery(`seed ${shared.slice(0, 50).map((w) => `-${w}`).join(' ')}`);
    expect(engine.find(query, everything).length).toBeGreaterThan(0);
    expect(answers(query, [`seed ${shared.join(' ')}`])).toBe(false);
  });

  test('an edit replaces what was indexed: the old words no longer find the post, the new ones do', () => {
    const d = doc({ text: 'original wording' });
    const engine = engineWith(d);
    engine.upsert({ ...d, text: 'revised phrasing' });
    expect(engine.size).toBe(1);
    expect(ids(engine, 'original ')).toEqual([]);
    expect(ids(engine, 'revised ')).toEqual([d.id]);
  });

  test('a discarded post is no longer found', () => {
    const d = doc({ text: 'ephemeral remark' });
    const engine = engineWith(d, doc({ text: 'ephemeral other' }));
    engine.discard(d.id);
    expect(engine.has(d.id)).toBe(false);
    expect(ids(engine, 'ephemeral ')).not.toContain(d.id);
    expect(ids(engine, 'remark ')).toEqual([]);
  });

  test("a discarded or erased post's words leave the index and its snapshot at once; words other posts hold stay", async () => {
    const secret = doc({ text: 'quokkasecret shared' });
    const other = doc({ text: 'shared words' });
    const discarded = engineWith(secret, other);
    discarded.discard(secret.id);
    expect(discarded.toJSON()).not.toContain('quokkasecret');
    expect(ids(discarded, 'quokka')).toEqual([]);

    const erased = engineWith(secret, other);
    await erased.erase([secret.id, 'never-indexed']);
    expect(erased.dirty).toBe(false);
    expect(erased.toJSON()).not.toContain('quokkasecret');
    expect(ids(erased, 'shared ')).toEqual([other.id]);
    // An edit leaves nothing of the old text behind either.
    erased.upsert({ ...other, text: 'renamed entirely' });
    expect(erased.toJSON()).not.toContain('"words"');
    expect(erased.size).toBe(1);
  });

  test('a word said more often in a post weighs more, counted afresh for every post', () => {
    // Same lengths: only how often each word occurs can make the difference. Indexed one after the
    // other, so a count carried over from the first post would turn the order of "apple" around.
    const apples = doc({ text: 'apple apple apple pear', createdAt: 1 });
    const pears = doc({ text: 'apple pear pear pear', createdAt: 2 });
    const engine = engineWith(apples, pears);
    expect(ids(engine, 'apple ')).toEqual([apples.id, pears.id]);
    expect(ids(engine, 'pear ')).toEqual([pears.id, apples.id]);
    // A copy of a post scores exactly as the post does.
    const again = engineWith(doc({ text: 'apple apple apple pear' }), doc({ text: 'apple apple apple pear' }));
    const [a, b] = again.find(parseQuery('apple '), everything);
    expect(a!.score).toBe(b!.score);
  });

  test('among equally good matches the newest comes first', () => {
    const older = doc({ text: 'identical words here', createdAt: 1_000 });
    const newest = doc({ text: 'identical words here', createdAt: 3_000 });
    const middle = doc({ text: 'identical words here', createdAt: 2_000 });
    const engine = engineWith(older, newest, middle);
    const found = engine.find(parseQuery('identical '), everything);
    expect(new Set(found.map((c) => c.score)).size).toBe(1);
    expect(found.map((c) => c.id)).toEqual([newest.id, middle.id, older.id]);
  });

  test("the caller's filter sees each candidate's fields and leaves out what it refuses", () => {
    const visible = doc({ text: 'rhubarb', forumId: 'open' });
    const held = doc({ text: 'rhubarb', forumId: 'open', status: 'held' });
    const staffOnly = doc({ text: 'rhubarb', forumId: 'staff' });
    const engine = engineWith(visible, held, staffOnly);
    const seen: string[] = [];
    const found = engine.find(parseQuery('rhubarb '), (f) => {
      seen.push(f.forumId);
      return f.forumId === 'open' && f.status === 'visible';
    });
    expect(found.map((c) => c.id)).toEqual([visible.id]);
    expect(found[0]!.fields).toEqual({ threadId: 't1', forumId: 'open', authorId: 'a1', status: 'visible', threadState: 'visible', createdAt: visible.createdAt, first: false });
    expect(seen.sort()).toEqual(['open', 'open', 'staff']);
  });

  test('an index saved and loaded again answers every query the same', async () => {
    const docs = [
      doc({ first: true, title: 'Winter squash', text: 'storing squash over winter' }),
      doc({ text: 'squash soup with crème fraîche', createdAt: 9_000 }),
      doc({ text: 'soup without squash' }),
      doc({ text: 'to be discarded squash' }),
    ];
    const engine = engineWith(...docs);
    engine.discard(docs[3]!.id);
    await engine.vacuum();
    const loaded = SearchEngine.load(engine.toJSON());
    expect(loaded.size).toBe(engine.size);
    for (const q of ['squash ', 'squ', 'soup -winter', 'creme', 'winter squash', 'nothing ']) {
      expect(loaded.find(parseQuery(q), everything)).toEqual(engine.find(parseQuery(q), everything));
    }
    expect(loaded.find(parseQuery('squash '), everything).length).toBe(3);
  });

  test(`a query of more than ${MAX_RECALL_TERMS} words still finds every post that has them all`, () => {
    const many = Array.from({ length: MAX_RECALL_TERMS + 4 }, (_, i) => `word${String.fromCharCode(97 + i)}${'x'.repeat(i % 3)}`);
    const all = doc({ text: many.join(' ') });
    const allButOne = doc({ text: many.slice(1).join(' ') });
    const engine = engineWith(all, allButOne, doc({ text: 'unrelated' }));
    const q = parseQuery(many.join(' '));
    const found = engine.find(q, everything).map((c) => c.id);
    expect(found).toContain(all.id);
    // Recall may be wider than the query; the check against the text is what decides.
    expect(found.filter((id) => answers(q, [[all, allButOne].find((d) => d.id === id)!.text]))).toEqual([all.id]);
  });

  test('a query with nothing to look for finds nothing', () => {
    const engine = engineWith(doc({ text: 'anything' }));
    expect(ids(engine, '')).toEqual([]);
    expect(ids(engine, '-anything')).toEqual([]);
  });
});
