import type { JSX } from 'preact';

/** The referral pages by path (`/invite`, `/r/:code`, `/unsubscribe/:token`), or null for other paths. */
export function referralRoute(_path: string): JSX.Element | null {
  return null;
}
