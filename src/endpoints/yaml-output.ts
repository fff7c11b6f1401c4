import { stringify } from 'yaml';

/**
 * YAML as kube writes it (sigs.k8s.io/yaml over go-yaml v2): keys sorted,
 * sequences not indented under their key, no anchors for objects that happen
 * to be shared in memory, and YAML 1.1 quoting, so strings such as
 * "2024-01-01T00:00:00Z", "yes" or "on" stay strings for YAML 1.1 readers.
 */
export function toKubeYAML(doc: unknown): string {
  return stringify(doc, { version: '1.1', sortMapEntries: true, indentSeq: false, aliasDuplicateObjects: false });
}

/**
 * toKubeYAML({...envelope, [key]: elements}) split around the elements, for
 * writing a long sequence a piece at a time: head (up to and with the `key:`
 * line) + each element's kubeYAMLElement + tail. An empty sequence is written
 * `key: []`, so then all of it is the head.
 */
export function kubeYAMLSequenceParts(envelope: Record<string, unknown>, key: string, empty: boolean): { head: string; tail: string } {
  const text = toKubeYAML({ ...envelope, [key]: [] });
  if (empty) return { head: text, tail: '' };
  // A top-level key starts a line, and no other line of a document starts unindented with it.
  const line = `${key}: []\n`;
  const at = text.startsWith(line) ? 0 : text.indexOf(`\n${line}`) + 1;
  if (at === 0 && !text.startsWith(line)) throw new TypeError(`kubeYAMLSequenceParts: no top-level ${key} in ${JSON.stringify(text)}`);
  return { head: `${text.slice(0, at)}${key}:\n`, tail: text.slice(at + line.length) };
}

/** One element of a block sequence not indented under its key (`- ...` and its lines), as toKubeYAML writes it. */
export const kubeYAMLElement = (value: unknown): string => toKubeYAML([value]);
