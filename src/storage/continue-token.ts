/**
 * The list continue token, in kube's encoding (base64 of
 * {"v":"meta.k8s.io/v1","rv":<revision>,"start":"<key after the prefix>"}) so
 * that a token is opaque to clients and the same for both backends.
 */
export interface ContinueState {
  revision: number;
  /** The next key to read, relative to the list prefix. */
  start: string;
}

export class InvalidContinueError extends Error {}

export function encodeContinue(state: ContinueState): string {
  const json = JSON.stringify({ v: 'meta.k8s.io/v1', rv: state.revision, start: state.start });
  return Buffer.from(json).toString('base64url');
}

export function decodeContinue(token: string): ContinueState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidContinueError('continue key is not valid: not base64-encoded JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) throw new InvalidContinueError('continue key is not valid');
  const { v, rv, start } = parsed as { v?: unknown; rv?: unknown; start?: unknown };
  if (v !== 'meta.k8s.io/v1') throw new InvalidContinueError('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof rv !== 'number' || !Number.isInteger(rv) || rv <= 0) throw new InvalidContinueError('continue key is not valid: incorrect encoded start resourceVersion');
  if (typeof start !== 'string' || start.includes('..') || start.startsWith('/')) throw new InvalidContinueError('continue key is not valid: invalid start key');
  return { revision: rv, start };
}
