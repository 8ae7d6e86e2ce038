// Search limits the browser and the server share, in a module without zod so the web app can
// import it without bundling the schemas.

/** The longest query, in characters. */
export const SEARCH_MAX_QUERY = 200;
