import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ExportData, Me, PostsChoice, SessionInfo } from '../../../shared/schemas/index.js';
import { ApiFailure, setCsrfToken } from '../api.js';
import { accountApi } from '../account-api.js';
import { ensureFlash, flash } from '../account-flash.js';
import { FlagsSection, PostsSection, TestimonialsSummary, ThreadsSection } from '../account/content.js';
import { BioSection } from '../account/bio.js';
import { DeleteSection } from '../account/delete-account.js';
import { DownloadSection, ProfileSection } from '../account/profile.js';
import { EmailSection, PasswordSection, SessionsSection } from '../account/security.js';
import { NotificationEmailSection } from '../account/notification-email.js';
import { FollowingSection } from '../account/following.js';
import { navigate } from '../router.js';
import { useSession } from '../session.js';
import '../account.css';

/** The account pages by path (`/account`), or null for other paths. */
export function accountRoute(path: string): JSX.Element | null {
  if (path === '/account' || path === '/account/') return <AccountPage />;
  return null;
}

function AccountPage() {
  const { user, setUser } = useSession();
  const [me, setMe] = useState<Me | null>(null);
  const [data, setData] = useState<ExportData | null>(null);
  const [sessions, setSessions] = useState<SessionInfo[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const fail = (e: unknown) => {
    if (e instanceof ApiFailure && e.status === 401) setUser(null); // the session ended elsewhere
    else setProblem(e instanceof Error ? e.message : 'Something went wrong.');
  };
  const loadSessions = () => accountApi.sessions().then(setSessions, fail);

  useEffect(() => {
    ensureFlash();
    if (!user) return;
    setProblem(null);
    accountApi.me().then(setMe, fail);
    accountApi.exportData().then(setData, fail);
    void loadSessions();
  }, [user?.id]);

  if (!user) {
    return (
      <main class="narrow" aria-labelledby="account-title">
        <h1 id="account-title">Your data</h1>
        <p data-testid="account-signin">
          <a href="/signin?next=/account">Sign in</a> to see everything Agora holds about you, correct it, download it or delete your account.
        </p>
      </main>
    );
  }

  const deleted = (choice: PostsChoice) => {
    setCsrfToken(null); // the session is gone with the account
    flash(choice === 'remove'
      ? 'Your account has been deleted and you are signed out. Your posts were removed.'
      : 'Your account has been deleted and you are signed out. Your posts stay under the name "former member".', '/');
    setUser(null);
    navigate('/');
  };

  return (
    <main class="account-page" aria-labelledby="account-title">
      <h1 id="account-title">Your data</h1>
      <p class="lead">
        This page shows everything Agora holds about you. You can correct your e-mail address and password,
        take a copy of all of it, or delete your account.
      </p>
      {problem && <p class="form-error" role="alert">{problem}</p>}
      {!me || !data ? (
        !problem && <p aria-busy="true">Loading your data…</p>
      ) : (
        <>
          <ProfileSection me={me} data={data} />
          <BioSection me={me} onChanged={setMe} />
          <DownloadSection />
          <PostsSection data={data} />
          <ThreadsSection data={data} />
          <FlagsSection flags={data.flags} />
          <TestimonialsSummary data={data} />
          <FollowingSection data={data} />
          <SessionsSection sessions={sessions} reload={loadSessions} />
          <EmailSection me={me} onChanged={setMe} />
          <NotificationEmailSection />
          <PasswordSection onChanged={loadSessions} />
          <DeleteSection data={data} onDeleted={deleted} />
        </>
      )}
    </main>
  );
}
