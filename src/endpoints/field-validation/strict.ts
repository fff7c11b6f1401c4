import { goQuote } from '../../apimachinery/validation/go-format.js';
import type { JNode } from './json-tree.js';
import type { TypeNode } from './schema.js';

export type StrictErrorType = 'unknown field' | 'duplicate field';

export interface StrictFinding {
  type: StrictErrorType;
  /** kube's path: dotted names, list indexes in brackets ("spec.template.spec.containers[0].imagee"). */
  path: string;
}

/** sigs.k8s.io/json's strictError text: `unknown field "spec.replicass"`. */
export const strictErrorText = (f: StrictFinding): string => `${f.type} ${goQuote(f.path)}`;

/** kube's decoder keeps at most this many strict errors. */
const MAX_STRICT_ERRORS = 100;

/** Findings in encounter order, deduplicated by text and capped, as kube's decoder keeps them. */
class Collector {
  readonly findings: StrictFinding[] = [];
  private readonly seen = new Set<string>();

  add(type: StrictErrorType, path: string): void {
    if (this.findings.length >= MAX_STRICT_ERRORS) return;
    const key = `${type}\0${path}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.findings.push({ type, path });
  }
}

const childPath = (parent: string, key: string): string => (parent === '' ? key : `${parent}.${key}`);

/**
 * Walks a value as kube's strict JSON decoder does (sigs.k8s.io/json
 * UnmarshalStrict into the Go type): a key a struct does not have is unknown
 * and its value is skipped; a key seen twice in one object (struct field, map
 * key, or untyped object member) is a duplicate; types that decode themselves
 * (Time, Quantity, RawExtension...) and values of the wrong JSON type are not
 * looked into.
 */
export function walkStrict(node: JNode, type: TypeNode): StrictFinding[] {
  const out = new Collector();
  walk(node, type, '', out);
  return out.findings;
}

function walk(node: JNode, type: TypeNode, path: string, out: Collector): void {
  if (node.t === 'array') {
    const items = type.kind === 'array' ? type.items : type.kind === 'any' ? type : undefined;
    if (items) node.items.forEach((item, i) => walk(item, items, `${path}[${i}]`, out));
    return;
  }
  if (node.t !== 'object') return;
  const seen = new Set<string>();
  const once = (key: string) => {
    if (seen.has(key)) out.add('duplicate field', childPath(path, key));
    else seen.add(key);
  };
  switch (type.kind) {
    case 'struct':
      for (const [key, value] of node.entries) {
        const field = type.field(key);
        if (!field) {
          out.add('unknown field', childPath(path, key));
          continue;
        }
        once(key);
        walk(value, field, childPath(path, key), out);
      }
      return;
    case 'map':
    case 'any': {
      const values = type.kind === 'map' ? type.values : type;
      for (const [key, value] of node.entries) {
        once(key);
        walk(value, values, childPath(path, key), out);
      }
      return;
    }
    default:
      return;
  }
}
