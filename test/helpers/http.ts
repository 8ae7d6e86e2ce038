import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';

export type Agent = TestAgent;

let counter = 0;
export const uniqueName = (base = 'user') => `${base}${Date.now().toString(36)}${(counter++).toString(36)}`.slice(0, 32);

/** A browser-like client: keeps its cookies and sends the CSRF token on writes. */
export class Client {
  readonly agent: Agent;
  csrf: string | null = null;
  user: { id: string; username: string; role: string; referralCode?: string } | null = null;

  constructor(readonly baseUrl: string) {
    this.agent = request.agent(baseUrl);
  }

  async token(): Promise<string> {
    if (!this.csrf) this.csrf = (await this.agent.get('/api/auth/csrf').expect(200)).body.token as string;
    return this.csrf;
  }

  get(path: string) {
    return this.agent.get(path);
  }

  async post(path: string, body: unknown = {}) {
    const token = await this.token(); // first: the agent attaches cookies when the request is created
    const res = await this.agent.post(path).set('X-CSRF-Token', token).send(body as object);
    if (path === '/api/auth/logout' && res.status === 204) {
      this.csrf = null; // the session (and its token) ended
      this.user = null;
    }
    return res;
  }

  async patch(path: string, body: unknown = {}) {
    const token = await this.token(); // first: the agent attaches cookies when the request is created
    return this.agent.patch(path).set('X-CSRF-Token', token).send(body as object);
  }

  async put(path: string, body: unknown = {}) {
    const token = await this.token(); // first: the agent attaches cookies when the request is created
    return this.agent.put(path).set('X-CSRF-Token', token).send(body as object);
  }

  async del(path: string, body: unknown = {}) {
    const token = await this.token(); // first: the agent attaches cookies when the request is created
    return this.agent.delete(path).set('X-CSRF-Token', token).send(body as object);
  }

  async register(username = uniqueName(), password = 'correct horse battery', email = `${username}@example.com`) {
    const res = await this.post('/api/auth/register', { username, email, password });
    if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
    this.csrf = res.body.csrfToken;
    this.user = res.body.user;
    return { username, password, email, user: res.body.user as { id: string; username: string; role: string } };
  }

  async login(username: string, password: string) {
    const res = await this.post('/api/auth/login', { username, password });
    if (res.status === 200) {
      this.csrf = res.body.csrfToken;
      this.user = res.body.user;
    }
    return res;
  }

  /** A reply to the thread that must be answered 201; its post's id. */
  async reply(threadId: string, body: string): Promise<string> {
    const res = await this.post(`/api/threads/${threadId}/posts`, { body });
    if (res.status !== 201) throw new Error(`reply: expected 201, got ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.post.id as string;
  }

  /** The session cookie, for socket.io clients that connect as this user. */
  cookieHeader(): string {
    const cookies = this.agent.jar.getCookies({ domain: new URL(this.baseUrl).hostname, path: '/', secure: false, script: false });
    return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  }
}

/** Signs in a fresh account of the given role (created straight in the store, as user:create does). */
export async function signedIn(
  baseUrl: string,
  users: import('../../server/store/users.js').UserStore,
  role: 'member' | 'moderator' | 'admin' = 'member',
): Promise<Client> {
  const { createAccount } = await import('../../server/auth/service.js');
  const username = uniqueName(role.slice(0, 3));
  const password = 'a fine long password';
  await createAccount(users, { username, email: `${username}@example.com`, password, role });
  const c = new Client(baseUrl);
  const res = await c.login(username, password);
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  return c;
}
