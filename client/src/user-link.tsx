// People by name: a link to their profile (/u/<username>) and an avatar drawn from the name alone,
// so no picture is ever fetched from another site.
import type { AuthorRef } from '../../shared/schemas/index.js';

/** The server's stand-in for a deleted account (server/forum/views.ts, FORMER_MEMBER): no profile. */
export const FORMER_MEMBER_ID = 'former-member';

export const profilePath = (username: string) => `/u/${encodeURIComponent(username)}`;

/** A person by name, linked to their profile; a deleted account is "former member", never a link. */
export function UserLink({ who, testId }: { who: AuthorRef | null; testId?: string }) {
  if (!who || who.id === FORMER_MEMBER_ID) return <span class="former-member">former member</span>;
  return <a class="user-link" href={profilePath(who.username)} data-testid={testId}>{who.username}</a>;
}

/** FNV-1a: the same name always gets the same colour, in every browser. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Up to two letters: the first of each of the first two parts of the name ("jane.doe" → "JD"), else its first two. */
export function initials(username: string): string {
  const parts = username.split(/[._-]+/).filter(Boolean);
  const letters = parts.length > 1 ? parts[0]![0]! + parts[1]![0]! : username.slice(0, 2);
  return letters.toUpperCase();
}

/**
 * The initials on a colour derived from the name. Dark enough (30% lightness) that white letters
 * stay readable on every hue. Decorative: the name is always written beside it.
 */
export function Avatar({ username, size = 40 }: { username: string; size?: number }) {
  const hue = hash(username.toLowerCase()) % 360;
  return (
    <svg class="avatar" width={size} height={size} viewBox="0 0 40 40" aria-hidden="true" focusable="false" data-testid="avatar">
      <circle cx="20" cy="20" r="20" fill={`hsl(${hue}, 55%, 30%)`} />
      <text x="20" y="20" dy=".35em" text-anchor="middle" font-size="16" font-family="system-ui, sans-serif" font-weight="600" fill="#fff">{initials(username)}</text>
    </svg>
  );
}
