/**
 * V8's linear-time engine refuses the `i` flag, so a case-insensitive Go
 * pattern (`(?i)...`) is rewritten to spell both cases of every ASCII letter
 * (`a` → `[aA]`, `[a-f]` → `[a-fA-F]`), which the linear engine accepts.
 * Escapes, group syntax and quantifier braces are copied untouched.
 */

const isLower = (c: string | undefined): boolean => c !== undefined && c >= 'a' && c <= 'z';
const isUpper = (c: string | undefined): boolean => c !== undefined && c >= 'A' && c <= 'Z';
const isLetter = (c: string | undefined): boolean => isLower(c) || isUpper(c);
const swap = (c: string): string => (isLower(c) ? c.toUpperCase() : c.toLowerCase());

/** The length of the escape sequence starting at src[i] (a backslash). */
function escapeLength(src: string, i: number): number {
  const n = src[i + 1];
  if ((n === 'p' || n === 'P' || n === 'u') && src[i + 2] === '{') {
    const end = src.indexOf('}', i + 2);
    return end < 0 ? src.length - i : end - i + 1;
  }
  if (n === 'p' || n === 'P') return 3;
  if (n === 'x') return 4;
  if (n === 'u') return 6;
  if (n === 'k' && src[i + 2] === '<') {
    const end = src.indexOf('>', i + 2);
    return end < 0 ? src.length - i : end - i + 1;
  }
  return Math.min(2, src.length - i);
}

export function foldCase(src: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const n = escapeLength(src, i);
      out += src.slice(i, i + n);
      i += n - 1;
    } else if (inClass) {
      if (c === ']') {
        inClass = false;
        out += c;
      } else if (isLetter(c) && src[i + 1] === '-' && isLetter(src[i + 2]) && isLower(c) === isLower(src[i + 2])) {
        const end = src[i + 2];
        out += `${c}-${end}${swap(c)}-${swap(end)}`;
        i += 2;
      } else {
        out += isLetter(c) ? c + swap(c) : c;
      }
    } else if (c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') out += src[++i];
    } else if (c === '(' && src[i + 1] === '?') {
      const m = /^\(\?(?:<[A-Za-z_][A-Za-z0-9_]*>|[:=!]|<[=!])/.exec(src.slice(i));
      const len = m ? m[0].length : 2;
      out += src.slice(i, i + len);
      i += len - 1;
    } else if (c === '{') {
      const m = /^\{\d*,?\d*\}/.exec(src.slice(i));
      const len = m ? m[0].length : 1;
      out += src.slice(i, i + len);
      i += len - 1;
    } else {
      out += isLetter(c) ? `[${c}${swap(c)}]` : c;
    }
  }
  return out;
}
