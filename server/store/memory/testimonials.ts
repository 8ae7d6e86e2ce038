import type { TestimonialRecord, TestimonialStore } from '../testimonials.js';

const clone = <T>(v: T): T => structuredClone(v);

export class MemoryTestimonialStore implements TestimonialStore {
  private items = new Map<string, TestimonialRecord>();

  async put(t: TestimonialRecord): Promise<void> {
    this.items.set(t.id, clone(t));
  }

  async get(id: string): Promise<TestimonialRecord | null> {
    const t = this.items.get(id);
    return t ? clone(t) : null;
  }

  async all(): Promise<TestimonialRecord[]> {
    return [...this.items.values()].map(clone).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async byAuthor(authorId: string): Promise<TestimonialRecord[]> {
    return (await this.all()).filter((t) => t.authorId === authorId);
  }

  async delete(id: string): Promise<void> {
    this.items.delete(id);
  }
}
