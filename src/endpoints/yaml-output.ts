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
