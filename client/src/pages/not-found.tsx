import { NOT_FOUND_TITLE } from '../../../shared/pages.js';
import { useTitle } from '../title.js';

/**
 * What every unknown address shows (the server answered it 404): a path with no page, and a
 * forum or thread that does not exist for this reader. It says no more than that, so a removed
 * thread looks like one that never was.
 */
export function NotFoundPage({ what }: { what?: 'forum' | 'thread' | 'member' }) {
  useTitle(NOT_FOUND_TITLE);
  return (
    <main aria-labelledby="not-found-title" data-testid="not-found">
      <h1 id="not-found-title">{NOT_FOUND_TITLE}</h1>
      <p>{what ? `There is no such ${what} here. It may never have existed, or it is no longer shown.` : 'There is no page at this address.'}</p>
      <p><a href="/">Go to the forums</a></p>
    </main>
  );
}
