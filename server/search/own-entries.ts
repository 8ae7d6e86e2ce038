// The feed entries a process wrote and applied itself, so that it skips them when the feed brings
// them back (each post is indexed once per process, not twice on its writer's).
import { randomBytes } from 'node:crypto';
import type { FeedEntry } from '../store/search.js';

/** Bounded: marks whose entries never come back (a trimmed feed, a failed read) are forgotten. */
const MAX_KEPT = 10_000;

export class OwnEntries {
  private keys = new Set<string>();
  private marks = 0;
  /** This process's part of a mark: short, as every feed entry carries it. */
  private readonly instance = randomBytes(6).toString('base64url');

  /**
   * A mark for an entry about to be appended and applied here, known before the append answers:
   * the feed's copy is skipped even when it is read before that answer.
   */
  mark(): string {
    const origin = `${this.instance}.${(++this.marks).toString(36)}`;
    this.remember(origin);
    return origin;
  }

  /**
   * An entry appended without a mark (an erase) and applied here, at `pos`: skipped if the feed
   * brings it after the append answered; brought first, it is applied twice, which is harmless.
   */
  appended(pos: string): void {
    if (pos) this.remember(pos);
  }

  /** The append of a marked entry failed: nothing will come back for it. */
  forget(origin: string): void {
    this.keys.delete(origin);
  }

  /** Whether this process applied `entry` already (then it is forgotten: it comes back once). */
  skip(entry: FeedEntry): boolean {
    return this.keys.delete(entry.origin ?? entry.pos);
  }

  private remember(key: string): void {
    if (this.keys.size >= MAX_KEPT) this.keys.clear();
    this.keys.add(key);
  }
}
