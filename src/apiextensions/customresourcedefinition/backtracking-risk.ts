/**
 * Whether a JavaScript pattern can backtrack catastrophically: some group
 * that holds a quantifier or an alternation is itself repeated without bound
 * (`(a+)+`, `(a|aa)*`) or more than MAX_BOUNDED_REPEAT times. Patterns that
 * only repeat such groups a few times (`([0-9]{1,5}(h|m|s)){1,4}`, Gateway
 * API's durations) backtrack a bounded amount and are safe to run.
 */

const MAX_BOUNDED_REPEAT = 16;

/** The quantifier at src[i], if any: its upper bound (Infinity when unbounded). */
function quantifierMax(src: string, i: number): number | undefined {
  const c = src[i];
  if (c === '*' || c === '+') return Infinity;
  if (c === '?') return 1;
  if (c !== '{') return undefined;
  const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
  if (!m) return undefined;
  if (m[2] === undefined) return Number(m[1]);
  return m[3] === '' ? Infinity : Number(m[3]);
}

export function mayBacktrackCatastrophically(src: string): boolean {
  // Per open group: whether its content so far has a quantifier or an alternation.
  const stack: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (src[i + 1] === '^') i++;
      if (src[i + 1] === ']') i++;
      continue;
    }
    if (c === '(') {
      stack.push(false);
      continue;
    }
    if (c === '|') {
      if (stack.length > 0) stack[stack.length - 1] = true;
      continue;
    }
    if (c === ')') {
      const complex = stack.pop() ?? false;
      const max = quantifierMax(src, i + 1);
      if (complex && max !== undefined && max > MAX_BOUNDED_REPEAT) return true;
      // A group is a repeated thing for the group around it when it has a quantifier or is complex.
      if (stack.length > 0 && (complex || (max !== undefined && max > 1))) stack[stack.length - 1] = true;
      continue;
    }
    const max = quantifierMax(src, i);
    if (max !== undefined && max > 1 && stack.length > 0) stack[stack.length - 1] = true;
  }
  return false;
}
