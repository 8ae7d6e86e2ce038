import type { JSX } from 'preact';
import { InvitePage } from '../referral-invite.js';
import { LandingPage, OptOutPage } from '../referral-pages.js';
import '../referral.css';

/** The referral pages by path (`/invite`, `/r/:code`, `/unsubscribe/:token`), or null for other paths. */
export function referralRoute(path: string): JSX.Element | null {
  if (path === '/invite') return <InvitePage />;
  const m = /^\/(r|unsubscribe)\/([A-Za-z0-9_-]{1,64})$/.exec(path);
  if (m?.[1] === 'r') return <LandingPage key={m[2]} />;
  if (m?.[1] === 'unsubscribe') return <OptOutPage key={m[2]} token={m[2]!} />;
  return null;
}
