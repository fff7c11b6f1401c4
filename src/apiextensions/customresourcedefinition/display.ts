/**
 * Bad values shown in error messages. Kube prints any value whole; a hostile
 * default could be megabytes or nested deeper than JSON.stringify's recursion
 * can go, so values past a small budget are left out of the message.
 */
import { OMIT_VALUE } from '../../apimachinery/validation/field-error.js';

const MAX_NODES = 256;
const MAX_DEPTH = 16;

export function displayValue(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  let nodes = 0;
  const stack: Array<[unknown, number]> = [[v, 0]];
  while (stack.length > 0) {
    const [x, depth] = stack.pop()!;
    if (++nodes > MAX_NODES || depth > MAX_DEPTH) return OMIT_VALUE;
    if (typeof x === 'object' && x !== null) for (const c of Object.values(x)) stack.push([c, depth + 1]);
  }
  return v;
}
