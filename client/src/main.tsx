import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { User } from '../../shared/schemas/index.js';
import { auth } from './api.js';
import { resetSocket } from './realtime.js';
import { navigate, onLinkClick, usePath } from './router.js';
import { SessionContext } from './session.js';
import { NotFoundPage } from './pages/home.js';
import { ForumPage, ForumsPage } from './pages/forums.js';
import { ThreadPage } from './pages/thread.js';
import { referralRoute } from './pages/referral.js';
import { SignInPage, SignUpPage } from './pages/auth.js';
import { ModerationPage } from './pages/moderation.js';
import { accountRoute } from './pages/account.js';
import { testimonialsRoute } from './pages/testimonials.js';
import './styles.css';

function route(path: string) {
  if (path === '/') return <ForumsPage />;
  const m = /^\/(f|t)\/([A-Za-z0-9_-]{1,64})$/.exec(path);
  if (m?.[1] === 'f') return <ForumPage key={m[2]} forumId={m[2]!} />;
  if (m?.[1] === 't') return <ThreadPage key={m[2]} threadId={m[2]!} />;
  if (path === '/signin') return <SignInPage />;
  if (path === '/signup') return <SignUpPage />;
  if (path === '/mod') return <ModerationPage />;
  const account = accountRoute(path);
  if (account) return account;
  const testimonials = testimonialsRoute(path);
  if (testimonials) return testimonials;
  const referral = referralRoute(path);
  if (referral) return referral;
  return <NotFoundPage />;
}

function Header({ user, onSignOut }: { user: User | null; onSignOut(): void }) {
  return (
    <header class="site-header">
      <a class="brand" href="/">Agora</a>
      <nav aria-label="Site" class="site-nav">
        <a href="/">Forums</a>
        <a href="/testimonials">Testimonials</a>
      </nav>
      <nav aria-label="Account">
        {user ? (
          <>
            {(user.role === 'moderator' || user.role === 'admin') && <a href="/mod">Moderation</a>}
            <a href="/invite">Invite a friend</a>
            <a href="/account">Your data</a>
            <span class="whoami" data-testid="whoami">Signed in as <strong>{user.username}</strong>{user.role !== 'member' ? ` (${user.role})` : ''}</span>
            <button type="button" class="link-button" onClick={onSignOut}>Sign out</button>
          </>
        ) : (
          <>
            <a href="/signin">Sign in</a>
            <a href="/signup">Sign up</a>
          </>
        )}
      </nav>
    </header>
  );
}

function App() {
  const path = usePath();
  const [user, setUser] = useState<User | null>(null);
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    auth.me().then(setUser, () => setUser(null)).finally(() => setLoaded(true));
    // The server closed this tab's live connection because the account changed: re-read it.
    const refresh = () => void auth.me().then(setUser, () => {});
    window.addEventListener('agora:session-changed', refresh);
    return () => window.removeEventListener('agora:session-changed', refresh);
  }, []);
  const signOut = async () => {
    await auth.logout().catch(() => {});
    setUser(null);
    resetSocket();
    navigate('/');
  };
  return (
    <SessionContext.Provider value={{ user, setUser: (u) => { setUser(u); resetSocket(); } }}>
      <a class="skip-link" href="#content">Skip to content</a>
      <Header user={user} onSignOut={signOut} />
      <div id="content" tabIndex={-1}>{loaded ? route(path) : <p aria-busy="true">Loading…</p>}</div>
    </SessionContext.Provider>
  );
}

document.addEventListener('click', onLinkClick);
render(<App />, document.getElementById('app')!);
