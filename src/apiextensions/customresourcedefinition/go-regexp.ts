/**
 * Whether a `pattern` compiles as Go's RE2 would (kube checks patterns with
 * regexp.Compile). We approximate: Go-only syntax is rewritten to its
 * JavaScript equivalent, syntax RE2 refuses (lookaround, backreferences) is
 * refused with Go's wording, and the rest is left to the JavaScript parser.
 * Compiling never runs the pattern, so a catastrophic pattern costs nothing here.
 */
import { setFlagsFromString } from 'node:v8';
import { mayBacktrackCatastrophically } from './backtracking-risk.js';
import { foldCase } from './case-fold.js';

const PERL_UNSUPPORTED = /\(\?(?:=|!|<=|<!)/;
const BACKREFERENCE = /(^|[^\\])(?:\\\\)*\\([1-9])/;

function toJavaScript(pattern: string): string {
  return pattern
    .replace(/(?<!\\)\(\?[imsU]*(?:-[imsU]*)?\)/g, '') // flag settings, anywhere (`^(?i)abc`)
    .replace(/(?<!\\)\(\?[imsU]*(?:-[imsU]*)?:/g, '(?:') // flag groups
    .replace(/\(\?P</g, '(?<') // named groups
    .replace(/\[:\^?[a-z]+:\]/g, 'a-z') // POSIX classes inside brackets
    .replace(/\\[Az]/g, '') // text anchors
    .replace(/\\[pP][A-Za-z]/g, 'p') // one-letter Unicode classes
    .replace(/\\Q.*?(?:\\E|$)/g, 'q'); // quoted literals
}

/** Go's error text for an invalid pattern, or undefined when it compiles. */
export function goRegexpError(pattern: string): string | undefined {
  const perl = PERL_UNSUPPORTED.exec(pattern);
  if (perl) return `error parsing regexp: invalid or unsupported Perl syntax: \`${perl[0]}\``;
  const backref = BACKREFERENCE.exec(pattern);
  if (backref) return `error parsing regexp: invalid escape sequence: \`\\${backref[2]}\``;
  try {
    new RegExp(toJavaScript(pattern));
    return undefined;
  } catch (err) {
    return `error parsing regexp: ${(err as Error).message}`;
  }
}

const linearWorks = (): boolean => {
  try {
    new RegExp('a', 'l');
    return true;
  } catch {
    return false;
  }
};

/**
 * Enables V8's linear-time RegExp engine (the `l` flag) for this process and
 * says whether it is available. A process-wide switch, so the server calls it
 * once at start, never validation itself; the V8 flag only makes `l` usable
 * and changes no other RegExp. Without it, patterns that may backtrack
 * catastrophically are not run (see compileForMatching).
 */
export function enableLinearRegExp(): boolean {
  if (!linearWorks()) setFlagsFromString('--enable-experimental-regexp-engine');
  return linearWorks();
}

/**
 * A pattern compiled for matching without catastrophic backtracking: with
 * V8's linear engine when the process has enabled it (RE2-like patterns run
 * in linear time, as in Go). Otherwise (or for a pattern the linear engine
 * refuses, such as large counted repeats) the backtracking engine runs it
 * unless it may backtrack catastrophically: undefined means "cannot check
 * safely".
 */
export function compileForMatching(pattern: string): RegExp | undefined {
  const source = toJavaScript(pattern);
  // Go's scoped flags become global ones: close enough for checking a value.
  let flags = '';
  for (const m of pattern.matchAll(/\(\?([imsU]*)(?:-[imsU]*)?[):]/g)) {
    for (const f of m[1]) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
  }
  try {
    // The linear engine has no `i`: case-insensitivity is spelled out instead.
    return flags.includes('i') ? new RegExp(foldCase(source), `${flags.replace('i', '')}l`) : new RegExp(source, `${flags}l`);
  } catch {
    // No linear engine, or a pattern it refuses: fall through.
  }
  if (mayBacktrackCatastrophically(source)) return undefined;
  try {
    return new RegExp(source, flags);
  } catch {
    return undefined;
  }
}
