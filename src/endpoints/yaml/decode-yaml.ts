import { LineCounter, parseDocument } from 'yaml';
import { checkDecodedBounds, MAX_DECODE_DEPTH, yamlNestsDeeperThan } from '../decode-bounds.js';
import { duplicatesIn, type YAMLDuplicate } from '../field-validation/yaml-duplicates.js';

/**
 * A YAML request body read once: its value and its duplicate keys (field
 * validation reports them) from one parse. Pure and synchronous, so it runs
 * inline for small bodies and in a worker thread for large ones
 * (yaml-decoder.ts); the result is plain data either way.
 */
export type DecodedYAML =
  | { ok: true; value: unknown; duplicates: YAMLDuplicate[] }
  /** `decode`: not YAML, too deep, or too much aliasing (400); `too large`: its aliases expand past the limit (413). */
  | { ok: false; error: 'decode' | 'too large'; message: string };

/** The parser's own bound on aliasing (its default): beyond it a document is refused as an expansion attack. */
const MAX_ALIAS_COUNT = 100;

export function decodeYAML(text: string, maxBytes: number): DecodedYAML {
  let value: unknown;
  let duplicates: YAMLDuplicate[];
  // Refused before the parser, whose recursion would take seconds to overflow on a deep document.
  if (yamlNestsDeeperThan(text)) return { ok: false, error: 'decode', message: `error converting YAML to JSON: yaml: exceeded max depth of ${MAX_DECODE_DEPTH}` };
  try {
    const lines = new LineCounter();
    // Duplicate keys are field validation's to report (kube: the last one wins), not a parse error.
    const doc = parseDocument(text, { uniqueKeys: false, lineCounter: lines });
    if (doc.errors.length > 0) throw doc.errors[0]!;
    duplicates = duplicatesIn(doc, lines);
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // The parser's errors, its alias bound, and a stack overflow on deep nesting: all the client's document.
    return { ok: false, error: 'decode', message: `error converting YAML to JSON: yaml: ${(err as Error).message.split('\n')[0]}` };
  }
  // The parser bounds how often aliases are used, not what they expand to: a string aliased a
  // hundred times is one JS string here, but a hundred copies once written out or stored.
  const bounds = checkDecodedBounds(value, maxBytes);
  if (bounds === 'too deep') return { ok: false, error: 'decode', message: 'error converting YAML to JSON: yaml: exceeded max depth' };
  if (bounds === 'too large') {
    return { ok: false, error: 'too large', message: `Request entity too large: the YAML document expands to more than the limit of ${maxBytes} bytes` };
  }
  return { ok: true, value, duplicates };
}
