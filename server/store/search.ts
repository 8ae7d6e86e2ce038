// The search index's side of the store (issue 18): a change feed every Agora process follows to
// keep its in-process index current, and a snapshot of the index a new process loads instead of
// reading every post. The feed carries ids only, never a word of content: a purge must leave no
// copy of what it erased, and the store's post is the one truth the follower reads.

/** "Look at this again": a post (its text, status, author) or a thread (its title, its state, all its posts). */
export interface SearchChange {
  kind: 'post' | 'thread';
  id: string;
  /**
   * Opaque, set by the process that appended the change and applied it already: when the feed
   * brings the entry back, that process knows it as its own and skips it (however the append's
   * answer and the feed's read race).
   */
  origin?: string;
}

export interface FeedEntry extends SearchChange {
  /** Increasing, opaque; `read(after)` continues after it. */
  pos: string;
}

export interface FeedRead {
  entries: FeedEntry[];
  /**
   * True when entries after `after` were trimmed away before they were read: a follower that
   * lagged that far cannot catch up entry by entry and starts again from the snapshot or the store.
   */
  gap: boolean;
}

export interface SearchSnapshot {
  /** The index (engine JSON) as it was once every entry up to `pos` was applied. */
  data: string;
  pos: string;
  /** The erase generation it was taken under (see `eraseGeneration`). */
  generation: number;
}

export interface SearchStore {
  /** Appends changes in order; answers the position of the last one. */
  append(changes: readonly SearchChange[]): Promise<string>;
  /**
   * Changes after `after` ('' for the feed's start), at most `count`; when there are none, waits up
   * to `waitMs` for one (0: answers at once).
   */
  read(after: string, count: number, waitMs: number): Promise<FeedRead>;
  /** The position of the newest entry ('' when the feed is empty). */
  head(): Promise<string>;

  /**
   * Content erased for good (a purge, a thread purge, an account deleted with its posts): appends
   * the changes, drops the stored snapshot (which may hold the erased words) and moves the erase
   * generation on, all in one atomic step.
   */
  erase(changes: readonly SearchChange[]): Promise<string>;
  /** Moves on with every erase; a snapshot begun under an older generation is refused. */
  eraseGeneration(): Promise<number>;
  loadSnapshot(): Promise<SearchSnapshot | null>;
  /** Stores the snapshot unless an erase happened since its generation; answers whether it did. */
  saveSnapshot(s: SearchSnapshot): Promise<boolean>;

  /** A lease for one process at a time (snapshot writing, a reindex run): true if `owner` holds it now. */
  lease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  release(name: string, owner: string): Promise<void>;
  /** Free-form progress of a long job (a resumable reindex), or null. */
  getProgress(name: string): Promise<string | null>;
  setProgress(name: string, value: string | null): Promise<void>;

  /** Stops waiting reads and frees connections. */
  close(): Promise<void>;
}
