import { UnsubscribeTokens, kindOf, stopping } from '../../../server/notifications/mail/unsubscribe-token.js';
import { nextBoundary, decodeRanking, encodeRanking } from '../../../server/notifications/mail/digest.js';
import { excerpt } from '../../../server/notifications/mail/content.js';

// The pieces of notification e-mail that need no server: opt-out tokens checked without storage,
// digest period boundaries every process agrees on, and excerpts cut where a reader would.

describe('one-click opt-out tokens', () => {
  const tokens = new UnsubscribeTokens('an opt-out secret of at least 32 characters');

  test('a token names its member and kind and is accepted by any process with the same secret', () => {
    const t = tokens.tokenFor('AbCdEfGhIjKlMnOp', 'watched');
    expect(t).toMatch(/^AbCdEfGhIjKlMnOp\.watched\.[A-Za-z0-9_-]{43}$/);
    expect(new UnsubscribeTokens('an opt-out secret of at least 32 characters').verify(t)).toEqual({ userId: 'AbCdEfGhIjKlMnOp', kind: 'watched' });
  });

  test('another member, another kind, another secret or a damaged token is refused', () => {
    const t = tokens.tokenFor('AbCdEfGhIjKlMnOp', 'mention');
    const mac = t.split('.')[2]!;
    for (const bad of [`QQCdEfGhIjKlMnOp.mention.${mac}`, `AbCdEfGhIjKlMnOp.digest.${mac}`, `AbCdEfGhIjKlMnOp.mention.${mac.slice(1)}`,
      `${t}.x`, 'AbCdEfGhIjKlMnOp.everything.x', '', '..', new UnsubscribeTokens('another secret of at least 32 characters!!').tokenFor('AbCdEfGhIjKlMnOp', 'mention')]) {
      expect(tokens.verify(bad)).toBeNull();
    }
  });

  test('each kind stops its own preference; replies and watched threads share one', () => {
    expect([kindOf('mention'), kindOf('reply'), kindOf('watched')]).toEqual(['mention', 'watched', 'watched']);
    expect([stopping('mention'), stopping('watched'), stopping('digest')]).toEqual([{ emailOnMention: false }, { emailOnWatched: false }, { digest: 'off' }]);
  });
});

describe('digest periods', () => {
  test('daily periods end at midnight UTC, weekly ones at the midnight between Sunday and Monday', () => {
    const tue = Date.parse('2031-05-06T07:00:00Z');
    expect(new Date(nextBoundary('daily', tue)).toISOString()).toBe('2031-05-07T00:00:00.000Z');
    expect(new Date(nextBoundary('weekly', tue)).toISOString()).toBe('2031-05-12T00:00:00.000Z');
    // Exactly at a boundary, the next one is a whole period later.
    expect(new Date(nextBoundary('weekly', Date.parse('2031-05-12T00:00:00Z'))).toISOString()).toBe('2031-05-19T00:00:00.000Z');
  });

  test('a ranking survives the trip through job data', () => {
    const r = [{ threadId: 'a_b-c', posts: 3 }, { threadId: 'Zz9', posts: 1 }];
    expect(decodeRanking(encodeRanking(r))).toEqual(r);
    expect(decodeRanking('')).toEqual([]);
  });
});

describe('excerpts', () => {
  test('a long post is cut between words with an ellipsis; a short one is whole', () => {
    expect(excerpt('short text', 20)).toBe('short text');
    expect(excerpt('one two three four', 12)).toBe('one two…');
    expect(excerpt('x'.repeat(30), 10)).toBe(`${'x'.repeat(10)}…`);
  });
});
