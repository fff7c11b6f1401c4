/** A decoded JSON object (not null, not an array): the one test every reader of untrusted JSON needs. */
export const isJSONObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
