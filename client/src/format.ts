const fmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export const when = (iso: string) => fmt.format(new Date(iso));

/** What to tell a person when a request failed: the error's own sentence, or a general one. */
export const errorText = (e: unknown): string => (e instanceof Error ? e.message : 'Something went wrong.');
