import { useSession } from '../session.js';

export function HomePage() {
  const { user } = useSession();
  return (
    <main aria-labelledby="home-title">
      <h1 id="home-title">Welcome to Agora</h1>
      <p>
        A community forum that keeps its promises: every post is checked for personal data before it goes
        public, and nothing you write can run in anyone else's browser.
      </p>
      {user ? <p>You are signed in as <strong>{user.username}</strong>.</p> : <p><a href="/signin">Sign in</a> or <a href="/signup">create an account</a> to take part.</p>}
    </main>
  );
}
