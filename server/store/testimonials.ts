export interface ConsentRecord {
  /** The name and title the customer agreed to be published with. */
  name: string;
  title: string;
  /** Exactly the text consented to: an edit voids the consent. */
  text: string;
  at: string;
}

export interface TestimonialRecord {
  id: string;
  authorId: string;
  text: string;
  createdAt: string;
  updatedAt: string;
  consent: ConsentRecord | null;
  featured: boolean;
}

export interface TestimonialStore {
  put(t: TestimonialRecord): Promise<void>;
  get(id: string): Promise<TestimonialRecord | null>;
  all(): Promise<TestimonialRecord[]>;
  byAuthor(authorId: string): Promise<TestimonialRecord[]>;
  delete(id: string): Promise<void>;
}
