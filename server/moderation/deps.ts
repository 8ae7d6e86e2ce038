import type { Config } from '../config.js';
import type { ThreadPublisher } from '../forum/publish.js';
import type { ForumStore } from '../store/forum.js';
import type { ModerationStore } from '../store/moderation.js';
import type { Limiter } from '../store/rate-limit.js';
import type { UserStore } from '../store/users.js';

/** Closes open sockets, on every process: a ban, role change or deletion ends what they held open. */
export interface Connections {
  closeUser(userId: string): void;
  closeSession(sessionId: string): void;
}

/** The ports moderation uses: just these operations, so each flow can be read and tested alone. */
export interface ModerationDeps {
  forum: Pick<ForumStore,
    'getPost' | 'getThread' | 'getThreads' | 'getForum' | 'mutatePost' | 'patchThread' | 'postIdsByAuthor' | 'threadIdsByAuthor' | 'forgetAuthor'
    | 'setThreadRemoval' | 'purgeThread' | 'listForums' | 'createForum' | 'updateForum' | 'countPostsByAuthor'>;
  users: Pick<UserStore, 'get' | 'getMany' | 'update' | 'findByUsername' | 'list'>;
  moderation: Pick<ModerationStore,
    'addFlag' | 'getFlag' | 'flagsOfPost' | 'flagsByMember' | 'resolveFlags' | 'deleteFlagsBy'
    | 'enqueue' | 'dequeue' | 'queue' | 'inQueue' | 'appendAudit' | 'eraseFlaggerReasons' | 'audit'>;
  publisher: Pick<ThreadPublisher, 'postEvents' | 'queueChanged' | 'auditAppended' | 'threadEvent' | 'threadWatchersEvent' | 'threadRemoved' | 'threadRestored' | 'threadChanged' | 'contentErased'>;
  connections: Connections;
  flagLimiter: Limiter;
  config: Pick<Config, 'flagsToHide'> & Partial<Pick<Config, 'requireVerifiedEmail'>>;
  now: () => number;
}

export const isoNow = (deps: Pick<ModerationDeps, 'now'>) => new Date(deps.now()).toISOString();
