// The answer a staff page gives to whoever may not open it: what it is for, and how to get in.

/** `who`: e.g. "moderators and administrators"; `role`: the account to sign in with, e.g. "a moderator's". */
export function NotAllowed({ titleId, testId, what, who, role, path, signedIn }: {
  titleId: string; testId: string; what: string; who: string; role: string; path: string; signedIn: boolean;
}) {
  return (
    <main aria-labelledby={titleId}>
      <h1 id={titleId}>Not allowed</h1>
      <p data-testid={testId}>
        {`${what} only for ${who}.`}
        {signedIn ? ' Your account cannot open this page.' : <> <a href={`/signin?next=${path}`}>Sign in</a> with {role} account to open this page.</>}
      </p>
      <p><a href="/">Back to the forums</a></p>
    </main>
  );
}
