import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { goQuote } from '../../apimachinery/validation/go-format.js';

export interface YAMLDuplicate {
  /** kube's path to the key ("spec.replicas"), for callers that want it. */
  path: string;
  /** go-yaml's text: `line 5: key "replicas" already set in map`. */
  message: string;
}

/** go-yaml's %#v of a decoded key. */
function goKey(v: unknown): string {
  if (typeof v === 'string') return goQuote(v);
  if (v === null || v === undefined) return '<nil>';
  return String(v);
}

/**
 * The duplicate keys of a YAML body, as kube's YAMLToJSONStrict (go-yaml v2,
 * strict) lists them: every mapping at any depth, the second and later
 * occurrences, each on the line of its value, inner mappings before the key
 * that holds them. The `yaml` package reports the same with `uniqueKeys`, but
 * stops at the first; this walks its document instead.
 */
export function findYAMLDuplicates(text: string): YAMLDuplicate[] {
  const lines = new LineCounter();
  return duplicatesIn(parseDocument(text, { uniqueKeys: false, lineCounter: lines }), lines);
}

/** The same for a document already parsed (with `uniqueKeys: false` and this line counter). */
export function duplicatesIn(doc: Document, lines: LineCounter): YAMLDuplicate[] {
  const out: YAMLDuplicate[] = [];
  const lineOf = (n: Node | null | undefined, fallback: number): number => (n?.range ? lines.linePos(n.range[0]).line : fallback);

  const walk = (node: unknown, path: string): void => {
    if (isAlias(node)) return;
    if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, `${path}[${i}]`));
      return;
    }
    if (!isMap(node)) return;
    const seen = new Set<string>();
    for (const pair of node.items) {
      const keyValue = isScalar(pair.key) ? pair.key.value : pair.key;
      const keyText = typeof keyValue === 'string' ? keyValue : String(keyValue);
      const childPath = path === '' ? keyText : `${path}.${keyText}`;
      walk(pair.value, childPath);
      const identity = `${typeof keyValue}:${keyText}`;
      if (seen.has(identity)) {
        const keyLine = lineOf(pair.key as Node | null, 1);
        const line = lineOf(pair.value as Node | null, keyLine);
        out.push({ path: childPath, message: `line ${line}: key ${goKey(keyValue)} already set in map` });
      } else seen.add(identity);
    }
  };
  walk(doc.contents, '');
  return out;
}

/** go-yaml's TypeError text for a list of its errors. */
export const yamlUnmarshalErrorsText = (messages: readonly string[]): string => `yaml: unmarshal errors:\n  ${messages.join('\n  ')}`;
