import { compareGoStrings } from '../../apimachinery/validation/go-format.js';

/**
 * A JSON value as written: object members in text order with duplicates kept,
 * numbers as their literal text. JSON.parse keeps neither, and kube's strict
 * decoder reports both (duplicate keys, "number 1.5" in type errors).
 */
export type JNode =
  | { t: 'object'; entries: Array<[string, JNode]> }
  | { t: 'array'; items: JNode[] }
  | { t: 'string'; v: string }
  | { t: 'number'; text: string }
  | { t: 'bool'; v: boolean }
  | { t: 'null' };

const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * Parses JSON text into a JNode. A small recursive-descent reader for this one
 * job (no maintained npm parser reports duplicate keys with their paths); the
 * body has usually been parsed once already, so errors here are plain Errors.
 */
export function parseJSONTree(text: string): JNode {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`invalid JSON at offset ${i}: ${what}`);
  };
  // Character codes, not one-character strings: this loop runs over every byte of a body.
  const skipWS = () => {
    for (let c = text.charCodeAt(i); c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d; c = text.charCodeAt(++i));
  };
  const readString = (): string => {
    i++; // opening quote
    let out = '';
    for (;;) {
      const start = i;
      for (let c = text.charCodeAt(i); i < text.length && c !== 0x22 && c !== 0x5c; c = text.charCodeAt(++i));
      out += text.slice(start, i);
      if (i >= text.length) fail('unterminated string');
      if (text[i] === '"') {
        i++;
        return out;
      }
      const e = text[i + 1];
      if (e === 'u') {
        const hex = text.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
        out += String.fromCharCode(parseInt(hex, 16));
        i += 6;
      } else if (e !== undefined && ESCAPES[e] !== undefined) {
        out += ESCAPES[e];
        i += 2;
      } else fail('bad escape');
    }
  };
  const readValue = (): JNode => {
    skipWS();
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: Array<[string, JNode]> = [];
      skipWS();
      if (text[i] === '}') {
        i++;
        return { t: 'object', entries };
      }
      for (;;) {
        skipWS();
        if (text[i] !== '"') fail('expected a key');
        const key = readString();
        skipWS();
        if (text[i] !== ':') fail('expected ":"');
        i++;
        entries.push([key, readValue()]);
        skipWS();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { t: 'object', entries };
        }
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const items: JNode[] = [];
      skipWS();
      if (text[i] === ']') {
        i++;
        return { t: 'array', items };
      }
      for (;;) {
        items.push(readValue());
        skipWS();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { t: 'array', items };
        }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return { t: 'string', v: readString() };
    for (const [word, node] of [['true', { t: 'bool', v: true }], ['false', { t: 'bool', v: false }], ['null', { t: 'null' }]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return node;
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) return fail('unexpected character');
    i += m[0].length;
    return { t: 'number', text: m[0] };
  };
  const root = readValue();
  skipWS();
  if (i < text.length) fail('trailing data');
  return root;
}

/**
 * A decoded value as a JNode. With `sortKeys`, members come in Go's map order
 * (sorted bytewise), as they do in the JSON kube re-encodes from a map: its
 * YAML-to-JSON conversion and its JSON and merge patches.
 */
export function treeFromValue(v: unknown, sortKeys: boolean): JNode {
  if (v === null || v === undefined) return { t: 'null' };
  if (typeof v === 'string') return { t: 'string', v };
  if (typeof v === 'boolean') return { t: 'bool', v };
  if (typeof v === 'number' || typeof v === 'bigint') return { t: 'number', text: String(v) };
  if (Array.isArray(v)) return { t: 'array', items: v.map((x) => treeFromValue(x, sortKeys)) };
  if (typeof v === 'object') {
    const keys = Object.keys(v);
    if (sortKeys) keys.sort(compareGoStrings);
    return { t: 'object', entries: keys.map((k) => [k, treeFromValue((v as Record<string, unknown>)[k], sortKeys)]) };
  }
  return { t: 'null' };
}
