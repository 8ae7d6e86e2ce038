import { render } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { User } from '../../shared/schemas/index.js';
import { auth } from './api.js';
import { resetSocket } from './realtime.js';
import { navigate, onLinkClick, usePath } from './router.js';
import { SessionContext } from './session.js';
import { NOT_FOUND_TITLE, PAGE_TITLES, pageOf, tabTitle } from '../../shared/pages.js';
import { NotFoundPage } from './pages/not-found.js';
import { ForumPage, ForumsPage } from './pages/forums.js';
import { ThreadPage } from './pages/thread.js';
import { ProfilePage } from './pages/profile.js';
import { referralRoute } from './pages/referral.js';
import { SignInPage, SignUpPage } from './pages/auth.js';
import { passwordResetRoute } from './pages/password-reset.js';
import { verifyEmailRoute } from './pages/verify-email.js';
import { ModerationPage } from './pages/moderation.js';
import { AdminPage } from './pages/admin.js';
import { accountRoute } from './pages/account.js';
import { testimonialsRoute } from './pages/testimonials.js';
import { watchScrollRegions } from './scroll-regions.js';
import { HeaderSearch, watchSearchShortcut } from './search-box.js';
import { SearchPage } from './pages/search.js';
import { NotificationBell } from './notifications/bell.js';
import { NotificationsRoute } from './notifications/route.js';
import './styles.css';

function route(path: string) {
  // Only the paths shared/pages.ts lists are pages; the server answers every other one 404.
  const page = pageOf(path);
  if (!page) return <NotFoundPage />;
  if (page.name === 'forums') return <ForumsPage />;
  if (page.name === 'forum') return <ForumPage key={page.id} forumId={page.id!} />;
  if (page.name === 'thread') return <ThreadPage key={page.id} threadId={page.id!} />;
  if (page.name === 'profile') return <ProfilePage key={page.id} username={page.id!} />;
  if (page.name === 'search') return <SearchPage />;
  if (page.name === 'notifications') return <NotificationsRoute />;
  if (path === '/signin') return <SignInPage />;
  if (path === '/signup') return <SignUpPage />;
  const reset = passwordResetRoute(path);
  if (reset) return reset;
  const verify = verifyEmailRoute(path);
  if (verify) return verify;
  if (path === '/mod') return <ModerationPage />;
  if (page.name === 'admin') return <AdminPage />;
  const account = accountRoute(path);
  if (account) return account;
  const testimonials = testimonialsRoute(path);
  if (testimonials) return testimonials;
  const referral = referralRoute(path);
  if (referral) return referral;
  return <NotFoundPage />;
}

function Header({ user, onSignOut, path }: { user: User | null; onSignOut(): void; path: string }) {
  return (
    <header class="site-header">
      <a class="brand" href="/">Agora</a>
      <nav aria-label="Site" class="site-nav">
        <a href="/">Forums</a>
        <a href="/testimonials">Testimonials</a>
      </nav>
      {/* The results page has its own box with the filters: one box per page. */}
      {pageOf(path)?.name !== 'search' && <HeaderSearch />}
      <nav aria-label="Account">
        {user ? (
          <>
            <NotificationBell userId={user.id} current={pageOf(path)?.name === 'notifications'} />
            {user.can?.moderate && <a href="/mod">Moderation</a>}
            {user.can?.administer && <a href="/admin">Admin</a>}
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
  // Every tab is named by its kind of page at once; a page that knows more (a thread's title)
  // names it in its own effect, which runs after this one (see title.ts).
  useLayoutEffect(() => {
    const page = pageOf(path);
    document.title = tabTitle(page ? PAGE_TITLES[page.name] : NOT_FOUND_TITLE);
  }, [path]);
  // After an in-app navigation, focus moves to the new page as a full load would put it at the top,
  // so screen readers announce the page; unless something already took it on purpose (a field the
  // page focuses, the account flash): only the page itself (body) or the header link that was
  // followed give it up.
  const firstPath = useRef(true);
  useEffect(() => {
    if (firstPath.current) {
      firstPath.current = false;
      return;
    }
    const content = document.getElementById('content');
    const held = document.activeElement;
    if (content && (!held || held === document.body || held.closest('header'))) content.focus({ preventScroll: true });
  }, [path]);
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
      <Header user={user} onSignOut={signOut} path={path} />
      <div id="content" tabIndex={-1}>{loaded ? route(path) : <p aria-busy="true">Loading…</p>}</div>
    </SessionContext.Provider>
  );
}

document.addEventListener('click', onLinkClick);
watchScrollRegions();
watchSearchShortcut();
render(<App />, document.getElementById('app')!);
