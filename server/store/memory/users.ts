import { emailKey, type UserListPage, type UserListQuery, type UserPatch, type UserRecord, type UserStore } from '../users.js';

const clone = <T>(v: T): T => structuredClone(v);

export class MemoryUserStore implements UserStore {
  private byId = new Map<string, UserRecord>();
  private byName = new Map<string, string>();
  private byCode = new Map<string, string>();
  private referrals = new Map<string, number>();
  private byEmail = new Map<string, Set<string>>();

  private indexEmail(email: string, id: string, add: boolean): void {
    const key = emailKey(email);
    const ids = this.byEmail.get(key) ?? new Set<string>();
    if (add) ids.add(id);
    else ids.delete(id);
    if (ids.size) this.byEmail.set(key, ids);
    else this.byEmail.delete(key);
  }

  async create(user: UserRecord): Promise<boolean> {
    const name = user.username.toLowerCase();
    if (this.byName.has(name) || this.byCode.has(user.referralCode)) return false;
    this.byId.set(user.id, clone(user));
    this.byName.set(name, user.id);
    this.byCode.set(user.referralCode, user.id);
    this.indexEmail(user.email, user.id, true);
    if (user.referredBy) this.referrals.set(user.referredBy, (this.referrals.get(user.referredBy) ?? 0) + 1);
    return true;
  }

  async get(id: string): Promise<UserRecord | null> {
    const u = this.byId.get(id);
    return u ? clone(u) : null;
  }

  async getMany(ids: string[]): Promise<Map<string, UserRecord>> {
    const out = new Map<string, UserRecord>();
    for (const id of ids) {
      const u = this.byId.get(id);
      if (u) out.set(id, clone(u));
    }
    return out;
  }

  async findByUsername(username: string): Promise<UserRecord | null> {
    const id = this.byName.get(username.toLowerCase());
    return id ? this.get(id) : null;
  }

  async findByUsernames(usernames: readonly string[]): Promise<Map<string, UserRecord>> {
    const out = new Map<string, UserRecord>();
    for (const name of usernames) {
      const id = this.byName.get(name.toLowerCase());
      const u = id ? this.byId.get(id) : undefined;
      if (u) out.set(name.toLowerCase(), clone(u));
    }
    return out;
  }

  async findByReferralCode(code: string): Promise<UserRecord | null> {
    const id = this.byCode.get(code);
    return id ? this.get(id) : null;
  }

  async findByEmail(email: string): Promise<UserRecord[]> {
    const ids = [...(this.byEmail.get(emailKey(email)) ?? [])];
    return [...(await this.getMany(ids)).values()];
  }

  async update(id: string, patch: UserPatch): Promise<UserRecord | null> {
    const u = this.byId.get(id);
    if (!u) return null;
    const next = { ...u, ...clone(patch) };
    if (patch.email !== undefined) {
      this.indexEmail(u.email, id, false);
      this.indexEmail(next.email, id, true);
    }
    this.byId.set(id, next);
    return clone(next);
  }

  async delete(id: string): Promise<void> {
    const u = this.byId.get(id);
    if (!u) return;
    this.byId.delete(id);
    this.byName.delete(u.username.toLowerCase());
    this.byCode.delete(u.referralCode);
    this.indexEmail(u.email, id, false);
    this.referrals.delete(id);
  }

  async list({ query, match, after, limit }: UserListQuery): Promise<UserListPage> {
    const needle = query.toLowerCase();
    const names = [...this.byName.keys()].filter((n) => (after === null || n > after) && n.includes(needle)).sort();
    const items: UserRecord[] = [];
    for (const name of names) {
      const u = this.byId.get(this.byName.get(name)!)!;
      if (!match(clone(u))) continue;
      if (items.length === limit) return { items, next: items[items.length - 1]!.username.toLowerCase() };
      items.push(clone(u));
    }
    return { items, next: null };
  }

  async countReferredBy(referrerId: string): Promise<number> {
    return this.referrals.get(referrerId) ?? 0;
  }
}
