import type { Server as HttpServer } from 'node:http';
import express, { type Express } from 'express';
import compression from 'compression';
import proxyAddr from 'proxy-addr';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Stores } from './store/index.js';
import type { PostRecord } from './store/forum.js';
import { createPassport } from './auth/passport.js';
import { sessionMiddleware } from './auth/session.js';
import { authRoutes } from './auth/routes.js';
import { usePasswordCost } from './auth/password.js';
import { apiNotFound, errorHandler, recordRoute } from './http/errors.js';
import { csrfProtection, securityHeaders } from './http/security.js';
import { requestLog } from './http/request-log.js';
import { clientRoutes, defaultClientDir } from './http/client.js';
import { createMetrics, type Metrics } from './ops/metrics.js';
import { opsRoutes, type ReadinessCheck } from './ops/routes.js';
import { createRealtime, type Realtime } from './realtime/index.js';
import { forumRoutes } from './forum/routes.js';
import { forumSocketHandlers } from './forum/socket.js';
import { forumPageStatus } from './forum/pages.js';
import { ThreadPublisher } from './forum/publish.js';
import { referralModule } from './referral/index.js';
import { createMail, devMailRoutes } from './mail/index.js';
import { moderationRoutes } from './moderation/routes.js';
import { moderationSocketHandlers } from './moderation/socket.js';
import { syncQueue, type ModerationDeps } from './moderation/service.js';
import type { Connections } from './moderation/deps.js';
import { accountRoutes } from './account/routes.js';
import { passwordResetPages, passwordResetRoutes } from './auth/reset-routes.js';
import { verifyEmailPages, verifyEmailRoutes } from './auth/verify-routes.js';
import { verificationHooks, type VerifyDeps } from './auth/verify.js';
import { AfterAnswer, type ResetDeps } from './auth/reset.js';
import { testimonialRoutes } from './testimonials/routes.js';
import { profilePageStatus, profileRoutes } from './users/routes.js';
import { SearchIndex } from './search/follower.js';
import { searchRoutes } from './search/routes.js';
import type { ContentFollower } from './forum/publish.js';
import { rooms } from './realtime/rooms.js';
import { createJobQueue } from './jobs/index.js';
import { NotificationCenter, type MemberChannel } from './notifications/service.js';
import { notificationRoutes } from './notifications/routes.js';
import { exportNotifications, type NotificationReadDeps } from './notifications/reads.js';
import { buildNotificationMail, type NotificationMail } from './notifications/mail/index.js';
import { preferencesRoutes } from './notifications/routes-prefs.js';

export interface AgoraDeps {
  config: Config;
  stores: Stores;
  logger: Logger;
  clientDir?: string;
  /** Extra readiness checks (the mail server, when referrals are configured). */
  readiness?: Record<string, ReadinessCheck>;
  /** The clock session lifetimes and socket rates are read with (tests move it instead of waiting). */
  now?: () => number;
  /**
   * Which content followers this process's writes are handed to: the search index and the
   * notification service, both unless told otherwise. Only the post-cost benchmark leaves one out,
   * to measure what it adds to writing a post; a process without one does not keep it current.
   */
  followers?: { search?: boolean; notifications?: boolean };
}

export interface Agora {
  app: Express;
  metrics: Metrics;
  /** socket.io on the given HTTP server (call once, before listening). */
  attach(server: HttpServer): Realtime;
  realtime(): Realtime | undefined;
  /** This process's search index (`search.whenReady()` resolves once it has loaded). */
  search: SearchIndex;
  /** Notification e-mail: the delivery, its job queue and the opt-out tokens. */
  notificationMail: NotificationMail;
  close(): Promise<void>;
}

/** Builds Agora from its dependencies; it does not listen (main.ts and the tests do). */
export function buildAgora(deps: AgoraDeps): Agora {
  const { config, stores, logger } = deps;
  usePasswordCost(config.passwordScryptN);
  const app = express();
  app.disable('x-powered-by');
  if (config.trustProxy !== undefined) app.set('trust proxy', config.trustProxy);

  const metrics = createMetrics(stores.cacheStats);
  const passport = createPassport(stores.users, deps.now);
  const session = sessionMiddleware({ store: stores.sessions, secret: config.sessionSecret, secure: config.isProduction, lifetime: config.sessions, now: deps.now });
  const csrf = csrfProtection({ secret: config.sessionSecret, secure: config.isProduction });
  const { login, registerIp } = { login: config.login, registerIp: config.registerPerIpPerHour };
  const limits = {
    loginAccount: stores.limiters.create('login-account', login.maxFailuresPerAccount, login.windowSeconds),
    loginIp: stores.limiters.create('login-ip', login.maxFailuresPerIp, login.windowSeconds),
    registerIp: stores.limiters.create('register-ip', registerIp, 3600),
  };
  let realtime: Realtime | undefined;
  const now = deps.now ?? Date.now;
  const { forum, users, moderation, sessions, testimonials } = stores;
  const searchIndex = new SearchIndex({
    store: stores.search, forum, logger, snapshotEveryMs: stores.durable ? config.search.snapshotEveryMs : 0,
  });
  searchIndex.start();
  metrics.watchSearch(() => ({ ready: searchIndex.ready, documents: searchIndex.ready ? searchIndex.engine.size : 0 }));
  // Everything that follows content besides the sockets: search now, notifications once built below.
  const follow = { search: deps.followers?.search ?? true, notifications: deps.followers?.notifications ?? true };
  const followers: ContentFollower[] = follow.search ? [searchIndex] : [];
  const publisher = new ThreadPublisher(() => realtime?.io, forum, users, followers);
  const connections: Connections = {
    closeUser: (userId) => realtime?.disconnectUser(userId),
    closeSession: (sid) => realtime?.disconnectSession(sid),
  };
  const moderationDeps: ModerationDeps = {
    forum, users, moderation, publisher, connections, now, config,
    flagLimiter: stores.limiters.create('flags', config.flagDailyLimit, 86_400),
  };
  const forumDeps = {
    forum, users, config, publisher, now,
    postLimiter: stores.limiters.create('posts', config.postRatePerMinute, 60),
    previewLimiter: stores.limiters.create('previews', config.previewRatePerMinute, 60),
    onHeld: (post: PostRecord) => syncQueue(moderationDeps, post),
  };

  const mail = createMail(config, logger, now);
  const referral = referralModule({ config, stores, logger, session, mail: mail.transport });
  const resetLater = new AfterAnswer(logger);
  const resetDeps: ResetDeps = {
    users, tokens: stores.resetTokens, sessions, connections, mail: mail.transport, later: resetLater, logger, now,
    sender: { from: config.mailFrom, postalAddress: config.companyPostalAddress },
    publicUrl: config.publicUrl,
    limits: {
      perAddress: stores.limiters.create('reset-address', config.passwordReset.perAddressPerHour, 3600),
      perClient: stores.limiters.create('reset-ip', config.passwordReset.perIpPerHour, 3600),
    },
  };
  const verifyDeps: VerifyDeps = {
    users, tokens: stores.verifyTokens, mail: mail.transport, logger, now, publicUrl: config.publicUrl,
    sender: { from: config.mailFrom, postalAddress: config.companyPostalAddress },
    resendLimiter: stores.limiters.create('verify-resend', config.verifyEmailResendsPerHour, 3600),
  };
  const verification = verificationHooks(verifyDeps);
  // Notification e-mail (issue 19): the delivery the notification service hands each new
  // notification to (`notificationDelivery.scheduled(n)`); its workers run on every process.
  const notificationMail = buildNotificationMail({ config, stores, mail: mail.transport, logger, now });
  const notificationDelivery = notificationMail.delivery;
  // Awaited by close(): workers that start after a close would write to Redis after it.
  const deliveryStarted = notificationDelivery.start().catch((err: Error & { code?: string }) => {
    logger.error({ code: err.code ?? err.name }, 'notification mail workers did not start');
  });
  // Notifications (issue 19): who a post concerns is worked out by a job of its own queue.
  const live: MemberChannel = {
    toMember: (userId: string, event: string, payload: unknown) => void realtime?.io.to(rooms.user(userId)).emit(event as 'notification:withdrawn', payload as { id: string }),
  };
  const fanOutQueue = createJobQueue(stores, { name: 'notify-fanout', logger, now });
  if (follow.notifications) followers.push(new NotificationCenter({ notifications: stores.notifications, forum, users, jobs: fanOutQueue, delivery: notificationDelivery, live, logger, now }));
  const fanOutStarted = fanOutQueue.start().catch((err: Error & { code?: string }) => {
    logger.error({ code: err.code ?? err.name }, 'notification fan-out workers did not start');
  });
  const notificationReads: NotificationReadDeps = { notifications: stores.notifications, forum, users, live };

  app.use(metrics.middleware);
  app.use(requestLog(logger));
  app.use(securityHeaders(config.isProduction));
  app.use(opsRoutes({ store: () => stores.ping(), search: async () => {
    if (!searchIndex.ready) throw new Error('search index loading');
  }, ...(mail.readiness ? { mail: mail.readiness } : {}), ...deps.readiness }, metrics, { metricsToken: config.metricsToken }));

  const api = express.Router();
  // JSON answers over 8 kB (a thread's page of posts is tens of kB) go out brotli or gzip, for about
  // a third of a millisecond each; the web app's files are precompressed at build time instead
  // (http/static-assets.ts). Smaller ones go out as they are: an answer under about 14 kB fits in a
  // new connection's first congestion window, so compressing it saves no round trip, and at
  // compression's default 1 kB, a new post's ~1.2 kB 201 spent 5% of a whole POST's CPU in zlib
  // (a --cpu-prof of posts, 2026-12-08). BREACH needs many cookie-carrying requests from another
  // site: the session cookie is sameSite=lax, and the answers that carry a secret echo nothing
  // written by others.
  api.use(compression({ threshold: '8kb' }));
  api.use(express.json({ limit: '100kb', strict: true }));
  api.use(session);
  api.use(passport.initialize());
  api.use(passport.session());
  api.use(csrf.protect);
  api.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  api.use('/auth', authRoutes({
    users: stores.users, passport, mail: mail.transport, generateCsrfToken: csrf.generateToken, clearCsrfCookie: csrf.clearCookie, limits,
    closeSessionSockets: (sid) => realtime?.disconnectSession(sid), onSignUp: verification.onSignUp, now: deps.now,
  }), recordRoute);
  api.use('/auth', passwordResetRoutes(resetDeps), recordRoute);
  api.use('/auth', verifyEmailRoutes(verifyDeps), recordRoute);
  api.use(forumRoutes({ ...forumDeps, readers: notificationReads }), recordRoute);
  api.use(notificationRoutes(notificationReads), recordRoute);
  api.use(moderationRoutes(moderationDeps), recordRoute);
  api.use('/me/preferences', preferencesRoutes({ notifications: stores.notifications }), recordRoute);
  api.use('/me', accountRoutes({
    users, sessions, forum, flags: moderation, testimonials, moderation: moderationDeps, now,
    secret: config.sessionSecret, passwordLimiter: limits.loginAccount, resetTokens: stores.resetTokens, piiSeverity: config.piiSeverity,
    verification, mail: mail.transport,
    notifications: {
      // Pending e-mail first: the delivery finds it through the member's unread notifications.
      forget: async (userId: string) => {
        await notificationDelivery.forgetUser(userId);
        await stores.notifications.forgetUser(userId);
      },
      exportFor: (member) => exportNotifications({ notifications: stores.notifications, forum }, member),
    },
  }), recordRoute);
  api.use(profileRoutes({ users, forum }), recordRoute);
  api.use(searchRoutes({
    index: searchIndex, forum, users, limiter: stores.limiters.create('search-ip', config.search.ratePerMinute, 60),
  }), recordRoute);
  api.use('/testimonials', testimonialRoutes({ store: testimonials, piiSeverity: config.piiSeverity, now }), recordRoute);
  api.use('/referrals', referral.api, recordRoute);
  api.use(apiNotFound);
  app.use('/api', api);

  app.use(referral.pages, recordRoute);
  app.use(passwordResetPages(), recordRoute);
  app.use(verifyEmailPages(), recordRoute);
  app.use(devMailRoutes(mail.outbox), recordRoute);
  app.use(notificationMail.routes, recordRoute);
  app.use(forumPageStatus(forumDeps, [session, passport.initialize(), passport.session()]));
  app.use(profilePageStatus({ users, forum }));
  app.use(clientRoutes(deps.clientDir ?? defaultClientDir()));
  app.use(apiNotFound);
  app.use(errorHandler(logger));

  return {
    app,
    metrics,
    attach(server) {
      realtime = createRealtime({
        httpServer: server, sessionMiddleware: session, stores, logger, metrics, now: deps.now,
        limits: config.sockets, siteOrigin: config.siteOrigin,
        clientAddress: (req) => proxyAddr(req, app.get('trust proxy fn')),
      });
      realtime.handle(forumSocketHandlers({ forum, publisher, users }));
      realtime.handle(moderationSocketHandlers(users));
      return realtime;
    },
    realtime: () => realtime,
    search: searchIndex,
    notificationMail,
    async close() {
      await Promise.all([deliveryStarted, fanOutStarted]);
      // Jobs first: a fan-out still running emits to sockets, whose Redis adapter closes with realtime.
      await fanOutQueue.close();
      await realtime?.close();
      await searchIndex.stop();
      referral.close();
      await resetLater.idle();
      // Workers stop taking jobs and finish the running ones before the mail transport closes.
      await notificationDelivery.close();
      await mail.close();
    },
  };
}
