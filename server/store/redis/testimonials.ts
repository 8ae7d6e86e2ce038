import type { TestimonialRecord, TestimonialStore } from '../testimonials.js';
import type { RedisDb } from './db.js';

// One hash of all testimonials and a set per author, under one hash tag so a write is one MULTI.
export class RedisTestimonialStore implements TestimonialStore {
  constructor(private db: RedisDb) {}

  private all_ = () => this.db.tagged('testimonials', 'all');
  private mine = (authorId: string) => this.db.tagged('testimonials', 'by', authorId);

  async put(t: TestimonialRecord): Promise<void> {
    await this.db.run((r) => r.multi().hset(this.all_(), t.id, JSON.stringify(t)).sadd(this.mine(t.authorId), t.id).exec());
  }

  async get(id: string): Promise<TestimonialRecord | null> {
    const raw = await this.db.run((r) => r.hget(this.all_(), id));
    return raw ? (JSON.parse(raw) as TestimonialRecord) : null;
  }

  async all(): Promise<TestimonialRecord[]> {
    const raws = await this.db.run((r) => r.hvals(this.all_()));
    return raws.map((x) => JSON.parse(x) as TestimonialRecord).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async byAuthor(authorId: string): Promise<TestimonialRecord[]> {
    const ids = await this.db.run((r) => r.smembers(this.mine(authorId)));
    if (!ids.length) return [];
    const raws = await this.db.run((r) => r.hmget(this.all_(), ...ids));
    return raws.filter((x): x is string => !!x).map((x) => JSON.parse(x) as TestimonialRecord).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async delete(id: string): Promise<void> {
    const t = await this.get(id);
    if (!t) return;
    await this.db.run((r) => r.multi().hdel(this.all_(), id).srem(this.mine(t.authorId), id).exec());
  }
}
