// The API's request and response schemas (zod): the one source for the server's validation, its
// views' types and the browser's types. The browser imports types only (`import type`), so zod
// stays out of its bundle.
export * from './common.js';
export * from './auth.js';
export * from './forum.js';
export * from './moderation.js';
export * from './account.js';
export * from './testimonials.js';
export * from './referral.js';
export * from './realtime.js';
export * from './users.js';
export * from './search.js';
export * from './notifications.js';
