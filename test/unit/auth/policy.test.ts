import {
  authorize, can, hasRole, isStaff, refusal, ROLES, standing, type Action, type PostInThread, type Subject,
} from '../../../server/auth/policy.js';
import { Conflict, EmailUnverified, Forbidden, NotFound, Unauthenticated, type DomainError } from '../../../server/errors.js';
import type { PostRecord, ThreadRecord } from '../../../server/store/forum.js';
import type { Ban, Role } from '../../../server/store/users.js';

// Every action of the policy, asked by every kind of subject about the resources that make a
// difference. The table is keyed by Action, so a new action without rows here fails the typecheck.

const HOUR = 3_600_000;
const ban = (until: string | null): Ban => ({ reason: 'spam', by: 'someone', at: '2025-01-01T00:00:00.000Z', until });
const BANS = {
  'for good': () => ban(null),
  'until tomorrow': () => ban(new Date(Date.now() + 24 * HOUR).toISOString()),
} as const;
const expiredBan = () => ban(new Date(Date.now() - HOUR).toISOString());

/** Who the expectations are written for; several concrete subjects answer to one kind. */
type Kind = 'anon' | 'member' | 'author' | 'moderator' | 'admin' | 'bannedMember' | 'bannedModerator' | 'bannedAuthor' | 'verified';

const AUTHOR_ID = 'u-author';
const person = (id: string, role: Role, b: Ban | null = null): Subject => ({ id, role, ban: b });

const SUBJECTS: [name: string, kind: Kind, subject: Subject | null][] = [
  ['an anonymous visitor', 'anon', null],
  ['a member', 'member', person('u-member', 'member')],
  ['the author', 'author', person(AUTHOR_ID, 'member')],
  ['a moderator', 'moderator', person('u-mod', 'moderator')],
  ['an admin', 'admin', person('u-admin', 'admin')],
  ...Object.entries(BANS).flatMap(([when, b]): [string, Kind, Subject][] => [
    [`a member banned ${when}`, 'bannedMember', person('u-banned', 'member', b())],
    [`a moderator banned ${when}`, 'bannedModerator', person('u-banned-mod', 'moderator', b())],
    [`the author, banned ${when}`, 'bannedAuthor', person(AUTHOR_ID, 'member', b())],
  ]),
  // An expired ban is no ban: these answer exactly as their unbanned kind.
  ['a member whose ban has expired', 'member', person('u-was-banned', 'member', expiredBan())],
  ['a moderator whose ban has expired', 'moderator', person('u-was-banned-mod', 'moderator', expiredBan())],
  // Everyone above has not verified their address (as older accounts); this member has.
  ['a member with a verified address', 'verified', { ...person('u-verified', 'member'), emailVerified: true }],
  ['a member banned for good, with a verified address', 'bannedMember', { ...person('u-banned-verified', 'member', ban(null)), emailVerified: true }],
];

const thread = (over: Partial<ThreadRecord> = {}): ThreadRecord => ({
  id: 't1', forumId: 'f1', title: 'A thread', authorId: AUTHOR_ID, createdAt: '2025-01-01T00:00:00.000Z',
  lastPostAt: '2025-01-01T00:00:00.000Z', postCount: 1, locked: false, held: false, ...over,
});
const removal = { byId: 'u-mod', reason: 'off topic', at: '2025-01-02T00:00:00.000Z' };
const post = (over: Partial<PostRecord> = {}, t: Partial<ThreadRecord> | null = {}): PostInThread => ({
  post: {
    id: 'p1', threadId: 't1', forumId: 'f1', authorId: AUTHOR_ID, source: 'hello', html: '<p>hello</p>',
    createdAt: '2025-01-01T00:00:00.000Z', editedAt: null, status: 'visible', piiTypes: [], removal: null,
    heldReason: null, purged: false, ...over,
  },
  thread: t === null ? null : thread(t),
});

type Outcome = 'allowed' | [new (...args: never[]) => DomainError, string];
const OK = 'allowed' as const;
const UNAUTH: Outcome = [Unauthenticated, 'You need to sign in first.'];
const DENIED: Outcome = [Forbidden, 'You are not allowed to do that.'];
const BANNED: Outcome = [Forbidden, 'Your account is banned from writing.'];
const NO_THREAD: Outcome = [NotFound, 'There is no such thread.'];
const NO_POST: Outcome = [NotFound, 'There is no such post.'];
const LOCKED: Outcome = [Forbidden, 'This thread is locked.'];
const NOT_YOURS: Outcome = [Forbidden, 'Only the author or a moderator can edit this post.'];
const HIGHER: Outcome = [Forbidden, 'Only someone of a higher role can do that to this account.'];
const ARCHIVED: Outcome = [Forbidden, 'This forum is archived: it is read-only.'];
const OWN_ACCOUNT: Outcome = [Forbidden, 'You cannot do that to your own account.'];
const UNVERIFIED: Outcome = [EmailUnverified, new EmailUnverified().message];

interface Row {
  /** Completes "<subject> may / may not …". */
  what: string;
  /** The resource asked about (a function of the subject where it is the subject's own account). */
  resource?: unknown | ((s: Subject | null) => unknown);
  expect: Record<Kind, Outcome>;
}

/** The same outcome for every kind but those given. */
const all = (outcome: Outcome, except: Partial<Record<Kind, Outcome>> = {}): Record<Kind, Outcome> => ({
  anon: outcome, member: outcome, author: outcome, moderator: outcome, admin: outcome,
  bannedMember: outcome, bannedModerator: outcome, bannedAuthor: outcome, ...except,
  // A verified member answers as a member does, except where verification matters.
  verified: except.verified ?? except.member ?? outcome,
});
/** Only staff in good standing, for everyone else `no` (anonymous visitors: `anon`). */
const staffOnly = (no: Outcome, anon = no, more: Partial<Record<Kind, Outcome>> = {}) =>
  all(no, { anon, moderator: OK, admin: OK, ...more });
/** Signed in and not banned. */
const writers = (more: Partial<Record<Kind, Outcome>> = {}) =>
  all(OK, { anon: UNAUTH, bannedMember: BANNED, bannedModerator: BANNED, bannedAuthor: BANNED, ...more });

const target = (id: string, role: Role) => ({ target: { id, role } });
const self = (s: Subject | null) => ({ target: s ? { id: s.id, role: s.role } : { id: 'nobody', role: 'member' } });

const RULES_TABLE: Record<Action, Row[]> = {
  write: [{ what: 'write anything', expect: writers() }],
  'write:verified': [
    { what: 'post, flag or refer while verified addresses are not required', resource: { requireVerifiedEmail: false }, expect: writers() },
    { what: 'post, flag or refer while verified addresses are required', resource: { requireVerifiedEmail: true },
      expect: all(UNVERIFIED, { anon: UNAUTH, bannedMember: BANNED, bannedModerator: BANNED, bannedAuthor: BANNED, verified: OK }) },
  ],
  'thread:read': [
    { what: 'read an open thread', resource: thread(), expect: all(OK) },
    { what: 'read a thread whose first post is held', resource: thread({ held: true }),
      expect: staffOnly(NO_THREAD, NO_THREAD, { author: OK, bannedAuthor: OK }) },
    { what: 'read a removed thread, even their own', resource: thread({ removal }), expect: staffOnly(NO_THREAD) },
  ],
  'forum:post': [
    { what: 'start a thread in an open forum', resource: { archived: false }, expect: writers() },
    { what: 'start a thread in a forum made before archiving existed', resource: {}, expect: writers() },
    { what: 'start a thread in an archived forum, even as staff', resource: { archived: true },
      expect: writers({ member: ARCHIVED, author: ARCHIVED, moderator: ARCHIVED, admin: ARCHIVED }) },
  ],
  'thread:reply': [
    { what: 'reply in an open thread', resource: thread(), expect: writers() },
    { what: 'reply in a thread of an archived forum, even as staff', resource: { ...thread(), forumArchived: true },
      expect: writers({ member: ARCHIVED, author: ARCHIVED, moderator: ARCHIVED, admin: ARCHIVED }) },
    { what: 'reply in a held thread of an archived forum (it stays hidden)', resource: { ...thread({ held: true }), forumArchived: true },
      expect: writers({ member: NO_THREAD, author: ARCHIVED, moderator: ARCHIVED, admin: ARCHIVED }) },
    { what: 'reply in a locked thread', resource: thread({ locked: true }), expect: writers({ member: LOCKED, author: LOCKED }) },
    { what: 'reply in a thread whose first post is held', resource: thread({ held: true }),
      expect: writers({ member: NO_THREAD }) },
    { what: 'reply in a removed thread', resource: thread({ removal }), expect: writers({
      member: NO_THREAD, author: NO_THREAD,
      moderator: [Conflict, 'This thread is removed; restore it before replying.'],
      admin: [Conflict, 'This thread is removed; restore it before replying.'],
    }) },
  ],
  'post:read': [
    { what: 'read a visible post', resource: post(), expect: all(OK) },
    { what: 'read a post whose thread is unknown', resource: post({}, null), expect: all(OK) },
    { what: 'read a removed post (as a tombstone)', resource: post({ status: 'removed', removal }), expect: all(OK) },
    { what: 'read a held post', resource: post({ status: 'held', heldReason: 'pii' }),
      expect: staffOnly(NO_POST, NO_POST, { author: OK, bannedAuthor: OK }) },
    { what: 'read a post of a removed thread', resource: post({}, { removal }), expect: staffOnly(NO_POST) },
    { what: 'read a reply in a thread whose first post is held', resource: post({ authorId: 'u-other' }, { held: true }),
      expect: staffOnly(NO_POST, NO_POST, { author: OK, bannedAuthor: OK }) },
  ],
  'post:find': [
    { what: 'find a visible post', resource: post(), expect: all(OK) },
    { what: 'find a post kept by a former member', resource: post({ authorId: null }), expect: all(OK) },
    { what: 'find a removed post (its words, not a tombstone)', resource: post({ status: 'removed', removal }), expect: staffOnly(NO_POST) },
    { what: 'find a post its author removed with their account (purged)', resource: post({ status: 'removed', removal, purged: true, html: null, source: null }),
      expect: all(NO_POST) },
    { what: 'find a post of a purged thread', resource: post({}, { removal, purged: true }), expect: all(NO_POST) },
    { what: 'find a held post', resource: post({ status: 'held', heldReason: 'pii' }),
      expect: staffOnly(NO_POST, NO_POST, { author: OK, bannedAuthor: OK }) },
    { what: 'find a post of a removed thread', resource: post({}, { removal }), expect: staffOnly(NO_POST) },
    { what: 'find a reply in a thread whose first post is held', resource: post({ authorId: 'u-other' }, { held: true }),
      expect: staffOnly(NO_POST, NO_POST, { author: OK, bannedAuthor: OK }) },
  ],
  'post:list-on-profile': [
    { what: "list a visible post on its author's profile", resource: post(), expect: all(OK) },
    // Its tombstone hides the author from everyone else: listing it under them would name them.
    { what: "list a removed post on its author's profile", resource: post({ status: 'removed', removal }),
      expect: staffOnly(NO_POST, NO_POST, { author: OK, bannedAuthor: OK }) },
    { what: "list a held post on its author's profile", resource: post({ status: 'held', heldReason: 'pii' }),
      expect: staffOnly(NO_POST, NO_POST, { author: OK, bannedAuthor: OK }) },
    { what: "list a post of a removed thread on its author's profile", resource: post({}, { removal }), expect: staffOnly(NO_POST) },
  ],
  'post:source': [
    { what: "read a visible post's source", resource: post(),
      expect: staffOnly(NOT_YOURS, UNAUTH, { author: OK, bannedAuthor: OK }) },
    { what: "read a held post's source", resource: post({ status: 'held' }),
      expect: staffOnly(NO_POST, UNAUTH, { author: OK, bannedAuthor: OK }) },
    { what: "read the source of a post in a removed thread", resource: post({}, { removal }), expect: staffOnly(NO_POST, UNAUTH) },
  ],
  'post:edit': [
    { what: 'edit a visible post', resource: post(), expect: writers({ member: NOT_YOURS }) },
    { what: 'edit a removed post', resource: post({ status: 'removed', removal }),
      expect: writers({ member: NOT_YOURS, author: [Forbidden, 'A removed post cannot be edited.'] }) },
    { what: 'edit a post in a locked thread', resource: post({}, { locked: true }), expect: writers({ member: NOT_YOURS, author: LOCKED }) },
    { what: 'edit a post in an archived forum, even as staff', resource: { ...post(), forumArchived: true },
      expect: writers({ member: NOT_YOURS, author: ARCHIVED, moderator: ARCHIVED, admin: ARCHIVED }) },
    { what: 'edit a held post', resource: post({ status: 'held' }), expect: writers({ member: NO_POST }) },
    { what: 'edit a post of a removed thread', resource: post({}, { removal }), expect: writers({ member: NO_POST, author: NO_POST }) },
  ],
  'post:flag': [
    { what: "flag someone's visible post", resource: post(), expect: writers({ author: [Forbidden, 'You cannot flag your own post.'] }) },
    { what: 'flag a held post', resource: post({ status: 'held' }), expect: writers({ member: NO_POST, author: [Forbidden, 'You cannot flag your own post.'] }) },
    { what: 'flag a post of a removed thread', resource: post({}, { removal }), expect: writers({ member: NO_POST, author: NO_POST }) },
    { what: 'flag a post kept by a former member', resource: post({ authorId: null }), expect: writers() },
  ],
  moderate: [{ what: 'moderate', expect: staffOnly(DENIED, UNAUTH) }],
  'queue:watch': [{ what: 'watch the review queue live', expect: staffOnly(DENIED) }],
  'user:manage': [
    { what: 'manage a member', resource: target('u-target', 'member'), expect: staffOnly(DENIED, UNAUTH) },
    { what: 'manage a moderator', resource: target('u-target-mod', 'moderator'), expect: staffOnly(DENIED, UNAUTH, { moderator: HIGHER }) },
    { what: 'manage an admin', resource: target('u-target-admin', 'admin'), expect: staffOnly(DENIED, UNAUTH, { moderator: HIGHER, admin: HIGHER }) },
    { what: 'manage their own account', resource: self, expect: staffOnly(DENIED, UNAUTH, { moderator: OWN_ACCOUNT, admin: OWN_ACCOUNT }) },
  ],
  'user:set-role': [
    { what: "set a member's role", resource: target('u-target', 'member'), expect: all(DENIED, { anon: UNAUTH, admin: OK }) },
    { what: "set another admin's role", resource: target('u-target-admin', 'admin'), expect: all(DENIED, { anon: UNAUTH, admin: OK }) },
    { what: 'set their own role', resource: self,
      expect: all(DENIED, { anon: UNAUTH, admin: [Forbidden, 'You cannot change your own role.'] }) },
  ],
  administer: [{ what: 'administer forums and testimonials', expect: all(DENIED, { anon: UNAUTH, admin: OK }) }],
};

type Ask = (user: Subject | null, action: Action, resource?: unknown) => unknown;
const cases = (Object.entries(RULES_TABLE) as [Action, Row[]][]).flatMap(([action, rows]) =>
  rows.flatMap((row) => SUBJECTS.map(([name, kind, subject]) => {
    const outcome = row.expect[kind];
    const verdict = outcome === OK ? 'may' : `may not (${outcome[0].name}: "${outcome[1]}")`;
    const resource = typeof row.resource === 'function' ? (row.resource as (s: Subject | null) => unknown)(subject) : row.resource;
    return { title: `${name} ${verdict} ${row.what} [${action}]`, action, subject, resource, outcome };
  })));

describe('the policy answers every action for every kind of subject', () => {
  test.each(cases)('$title', ({ action, subject, resource, outcome }) => {
    const args = resource === undefined ? [] : [resource];
    const no = (refusal as Ask)(subject, action, ...args) as DomainError | null;
    if (outcome === OK) {
      expect(no).toBeNull();
      expect((can as Ask)(subject, action, ...args)).toBe(true);
      expect(() => (authorize as Ask)(subject, action, ...args)).not.toThrow();
      return;
    }
    const [type, message] = outcome;
    expect(no).toBeInstanceOf(type);
    expect(no!.message).toBe(message);
    expect((can as Ask)(subject, action, ...args)).toBe(false);
    expect(() => (authorize as Ask)(subject, action, ...args)).toThrow(type);
  });
});

describe('role order and standing', () => {
  test('roles rank member, moderator, admin, and each includes the ones below it', () => {
    expect(ROLES).toEqual(['member', 'moderator', 'admin']);
    expect(hasRole(person('a', 'admin'), 'moderator')).toBe(true);
    expect(hasRole(person('m', 'moderator'), 'admin')).toBe(false);
    expect(hasRole(null, 'member')).toBe(false);
  });

  test.each(Object.entries(BANS))('a moderator banned %s acts as a member and is not staff', (_when, b) => {
    const mod = person('m', 'moderator', b());
    expect(standing(mod)).toBe('member');
    expect(isStaff(mod)).toBe(false);
    expect(hasRole(mod, 'member')).toBe(true);
  });

  test('a moderator whose ban has expired is staff again', () => {
    const mod = person('m', 'moderator', expiredBan());
    expect(standing(mod)).toBe('moderator');
    expect(isStaff(mod)).toBe(true);
  });
});
