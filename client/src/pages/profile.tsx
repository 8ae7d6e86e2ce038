import { useEffect, useRef, useState } from 'preact/hooks';
import type { Post, Profile, ProfileAnswers, Role } from '../../../shared/schemas/index.js';
import { api, ApiFailure } from '../api.js';
import { errorText, when } from '../format.js';
import { Avatar } from '../user-link.js';
import { useTitle } from '../title.js';
import { NotFoundPage } from './not-found.js';
import '../profile.css';

const ROLE_LABEL: Record<Role, string> = { member: 'Member', moderator: 'Moderator', admin: 'Administrator' };
const PAGE = 20;
const enc = encodeURIComponent;
const joined = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' });

/**
 * One of the member's posts, as the server let this reader see it (held, or a removal's tombstone).
 * Focusable, not a tab stop: after "Show older posts" the first one it brought takes the focus.
 */
function ProfilePost({ post }: { post: Post }) {
  const link = <a href={`/t/${enc(post.threadId)}#post-${enc(post.id)}`}>Posted <time dateTime={post.createdAt}>{when(post.createdAt)}</time></a>;
  if (post.html === null) {
    return <li data-testid="profile-post" class="removed" tabIndex={-1}><p class="meta">{link}</p><p class="tombstone">This post was removed by a moderator.</p></li>;
  }
  return (
    <li data-testid="profile-post" tabIndex={-1}>
      <p class="meta">
        {link}
        {post.editedAt && ' · edited'}
        {post.status === 'held' && <span class="badge"> · waiting for a moderator's review; only you and moderators can see it</span>}
        {post.status === 'removed' && <span class="badge"> · removed; only moderators can see it</span>}
      </p>
      {/* Sanitized on the server when it was written (strict allowlist); the CSP backs it up. */}
      <div class="post-body" dangerouslySetInnerHTML={{ __html: post.html }} />
    </li>
  );
}

/** `/u/<username>`: who a member is and what they wrote, as far as this reader may see it. */
export function ProfilePage({ username }: { username: string }) {
  const [profile, setProfile] = useState<Profile | null>(null);
  const [missing, setMissing] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [posts, setPosts] = useState<Post[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const loading = useRef(false); // a ref, not the state: two presses before a re-render load one page
  // After "Show older posts", the first post it brought takes the focus: the button may be gone (no
  // more pages), and a keyboard user goes on where the older posts start.
  const focusFrom = useRef<number | null>(null);
  useTitle(profile?.username);

  useEffect(() => {
    if (focusFrom.current === null) return;
    document.querySelector<HTMLElement>(`[data-testid="profile-posts"] > li:nth-child(${focusFrom.current + 1})`)?.focus();
    focusFrom.current = null;
  }, [posts]);

  const loadPosts = async (cursor: string | null) => {
    if (cursor && loading.current) return;
    loading.current = true;
    setBusy(true);
    try {
      const page = await api.get<ProfileAnswers['posts']>(`/api/users/${enc(username)}/posts?limit=${PAGE}${cursor ? `&cursor=${enc(cursor)}` : ''}`);
      setPosts((list) => {
        if (cursor && page.items.length) focusFrom.current = list?.length ?? 0;
        return [...(cursor ? list ?? [] : []), ...page.items];
      });
      setNext(page.nextCursor);
    } catch (e) {
      setProblem(errorText(e));
    } finally {
      loading.current = false;
      setBusy(false);
    }
  };

  useEffect(() => {
    api.get<ProfileAnswers['profile']>(`/api/users/${enc(username)}`).then((r) => setProfile(r.profile), (e) => {
      if (e instanceof ApiFailure && e.status === 404) setMissing(true);
      else setProblem(errorText(e));
    });
    void loadPosts(null);
  }, [username]);

  if (missing) return <NotFoundPage what="member" />;
  if (!profile) return problem ? <p class="form-error" role="alert">{problem}</p> : <p aria-busy="true">Loading…</p>;
  return (
    <main class="profile-page" aria-labelledby="profile-title" data-testid="profile-page">
      <div class="profile-head">
        <Avatar username={profile.username} size={72} />
        <div>
          <h1 id="profile-title">{profile.username}</h1>
          <p class="meta">
            {ROLE_LABEL[profile.role]} · joined <time dateTime={profile.createdAt}>{joined.format(new Date(profile.createdAt))}</time>
            {' · '}<span data-testid="profile-post-count">{profile.postCount} {profile.postCount === 1 ? 'post' : 'posts'}</span>
          </p>
        </div>
      </div>
      {profile.bio
        ? <p class="profile-bio" data-testid="profile-bio">{profile.bio}</p>
        : <p class="meta">{profile.username} has not written anything about themself yet.</p>}
      <section aria-labelledby="profile-posts-title">
        <h2 id="profile-posts-title">Posts</h2>
        {problem && <p class="form-error" role="alert">{problem}</p>}
        {posts && posts.length === 0 && !next && <p>No posts to show.</p>}
        <ul class="profile-posts" data-testid="profile-posts">
          {(posts ?? []).map((p) => <ProfilePost key={p.id} post={p} />)}
        </ul>
        {/* aria-disabled while loading: a disabled button would drop the keyboard's focus to the page. */}
        {next && <button type="button" class="secondary" aria-disabled={busy || undefined} onClick={() => void loadPosts(next)}>{busy ? 'Loading…' : 'Show older posts'}</button>}
      </section>
    </main>
  );
}
