// The API's shapes (API.md), shared by the server and the browser: the types of the schemas in
// ./schemas, kept here under their familiar names.
export type { ApiErrorBody, AuthorRef, Page, Removal, Role } from './schemas/common.js';
export type { User } from './schemas/auth.js';
export type { Forum, Post, PostStatus, Thread } from './schemas/forum.js';
