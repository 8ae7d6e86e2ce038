import type { z } from 'zod';
import type { ApiErrorBody, AuthAnswers, loginBody, registerBody, User } from '../../shared/schemas/index.js';

/**
 * A request body's type: what its shared schema accepts (`BodyOf<typeof postBody>`). Imported as
 * types only, so zod stays out of the web app's bundle.
 */
export type BodyOf<S extends z.ZodType> = z.input<S>;

/** An API error as the page shows it: the field it concerns (if any) and one sentence. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: NonNullable<ApiErrorBody['error']['details']> = {},
  ) {
    super(message);
  }
  get field(): string | undefined {
    return typeof this.details.field === 'string' ? this.details.field : undefined;
  }
  /** A refused form's problems, every field at once, in words to show under each field. */
  get fields(): Record<string, string> | undefined {
    const f = this.details.fields;
    return f && typeof f === 'object' && Object.keys(f).length ? f : undefined;
  }
}

let csrf: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrf = token;
}

async function csrfToken(): Promise<string> {
  if (!csrf) csrf = (await request<AuthAnswers['csrf']>('GET', '/api/auth/csrf')).token;
  return csrf;
}

async function request<T>(method: string, path: string, body?: unknown, retried = false): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = await csrfToken();
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw new ApiFailure(0, 'network', 'Agora cannot be reached. Check your connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => null)) as unknown;
  if (res.ok) return data as T;
  const err = (data as ApiErrorBody | null)?.error;
  if (err?.code === 'csrf_failed' && !retried) {
    csrf = null; // the session changed under us (signed in or out elsewhere): fetch a fresh token once
    return request<T>(method, path, body, true);
  }
  throw new ApiFailure(res.status, err?.code ?? 'unknown', err?.message ?? 'Something went wrong.', err?.details);
}

/**
 * `T`: the answer; `B`: the body, named at the call with its shared schema (`BodyOf<typeof
 * postBody>`), so a body the server's schema would refuse fails the typecheck. Without `B`, `post`
 * and `del` take no body (they send `{}`) and `patch` and `put` take none at all.
 */
export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T, B = undefined>(path: string, body?: NoInfer<B>) => request<T>('POST', path, body ?? {}),
  patch: <T, B = never>(path: string, body: NoInfer<B>) => request<T>('PATCH', path, body),
  put: <T, B = never>(path: string, body: NoInfer<B>) => request<T>('PUT', path, body),
  del: <T, B = undefined>(path: string, body?: NoInfer<B>) => request<T>('DELETE', path, body ?? {}),
};

export const auth = {
  /** Who is signed in, or null: asked on every page load, so it never answers 401 (a visitor's console stays clean). */
  async me(): Promise<User | null> {
    return (await api.get<AuthAnswers['session']>('/api/auth/session')).user;
  },
  async login(username: string, password: string): Promise<User> {
    const r = await api.post<AuthAnswers['signedIn'], BodyOf<typeof loginBody>>('/api/auth/login', { username, password });
    setCsrfToken(r.csrfToken);
    return r.user;
  },
  /** The new account, and where its verification e-mail went when there is no mail server. */
  async register(username: string, email: string, password: string): Promise<{ user: User; outbox?: string }> {
    const r = await api.post<AuthAnswers['signedIn'], BodyOf<typeof registerBody>>('/api/auth/register', { username, email, password });
    setCsrfToken(r.csrfToken);
    return { user: r.user, ...(r.outbox ? { outbox: r.outbox } : {}) };
  },
  async logout(): Promise<void> {
    await api.post('/api/auth/logout');
    setCsrfToken(null);
  },
};
