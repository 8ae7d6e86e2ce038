// A minimal browser-like HTTP session for the bench: keeps its cookies, sends the CSRF token; its
// headers can be handed to a load generator so that it posts as this signed-in member.
export const wallNow = () => performance.timeOrigin + performance.now();

export interface Answer {
  status: number;
  body: unknown;
  /** From just before the request until its whole response was read. */
  ms: number;
}

export class Session {
  private cookies = new Map<string, string>();
  private csrf: string | null = null;

  /** `timeoutMs`: each request's bound (a server under valgrind needs far more than the default). */
  constructor(readonly baseUrl: string, private readonly timeoutMs = 10_000) {}

  /** What this session sends with a request: its cookies and, for a POST, the JSON type and CSRF token. */
  headers(method: 'GET' | 'POST' = 'POST'): Record<string, string> {
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (method === 'POST') {
      headers['content-type'] = 'application/json';
      if (this.csrf) headers['x-csrf-token'] = this.csrf;
    }
    return headers;
  }

  async request(method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = this.timeoutMs): Promise<Answer> {
    const headers = this.headers(method);
    const started = wallNow();
    const res = await fetch(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    const ms = wallNow() - started;
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      if (eq > 0) this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed, ms };
  }

  /** GET /api/auth/csrf, then POST /api/auth/login; keeps the new session cookie and token. */
  async login(username: string, password: string): Promise<void> {
    const csrf = await this.request('GET', '/api/auth/csrf');
    if (csrf.status !== 200) throw new Error(`GET /api/auth/csrf: ${csrf.status}`);
    this.csrf = (csrf.body as { token: string }).token;
    const res = await this.request('POST', '/api/auth/login', { username, password });
    if (res.status !== 200) throw new Error(`login: ${res.status} ${JSON.stringify(res.body)}`);
    this.csrf = (res.body as { csrfToken: string }).csrfToken;
  }

  /** GET /api/auth/csrf, then POST /api/auth/register: a new member, signed in. */
  async register(username: string, password: string): Promise<void> {
    const csrf = await this.request('GET', '/api/auth/csrf');
    if (csrf.status !== 200) throw new Error(`GET /api/auth/csrf: ${csrf.status}`);
    this.csrf = (csrf.body as { token: string }).token;
    const res = await this.request('POST', '/api/auth/register', { username, email: `${username}@example.com`, password });
    if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
    this.csrf = (res.body as { csrfToken: string }).csrfToken;
  }

  /** A POST that must answer `status`, or the bench stops with what the server said. */
  async expect(status: number, path: string, body: unknown): Promise<Answer> {
    const res = await this.request('POST', path, body);
    if (res.status !== status) throw new Error(`POST ${path}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  }
}
