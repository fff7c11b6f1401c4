/**
 * A set of field paths, as structured-merge-diff's fieldpath.Set: a trie whose
 * edges are path elements in their FieldsV1 spelling ("f:name",
 * `k:{"name":"web"}`, `v:"a"`, "i:0"), so that a set decodes from and encodes
 * to metadata.managedFields[].fieldsV1 without a separate element type.
 * A node is a member when the path that ends at it is in the set; a node that
 * is only a prefix of members is not.
 */
export type PathElement = string;
export type Path = readonly PathElement[];

export class FieldSet {
  member = false;
  children: Map<PathElement, FieldSet> | undefined;

  static of(paths: Iterable<Path>): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  child(pe: PathElement): FieldSet | undefined {
    return this.children?.get(pe);
  }

  private childOrNew(pe: PathElement): FieldSet {
    this.children ??= new Map();
    let c = this.children.get(pe);
    if (!c) this.children.set(pe, (c = new FieldSet()));
    return c;
  }

  insert(path: Path): void {
    let n: FieldSet = this;
    for (const pe of path) n = n.childOrNew(pe);
    n.member = true;
  }

  has(path: Path): boolean {
    let n: FieldSet | undefined = this;
    for (const pe of path) {
      n = n.child(pe);
      if (!n) return false;
    }
    return n.member;
  }

  /** Whether the node at `path` exists: the path or a path below it is a member. */
  hasPrefix(path: Path): boolean {
    let n: FieldSet | undefined = this;
    for (const pe of path) {
      n = n.child(pe);
      if (!n) return false;
    }
    return true;
  }

  /** Whether some member lies strictly below `path`. */
  hasBelow(path: Path): boolean {
    let n: FieldSet | undefined = this;
    for (const pe of path) {
      n = n.child(pe);
      if (!n) return false;
    }
    return n.children !== undefined && n.children.size > 0;
  }

  empty(): boolean {
    return !this.member && (this.children === undefined || this.children.size === 0);
  }

  union(other: FieldSet): FieldSet {
    const out = this.copy();
    out.addAll(other);
    return out;
  }

  private addAll(other: FieldSet): void {
    if (other.member) this.member = true;
    if (!other.children) return;
    for (const [pe, c] of other.children) this.childOrNew(pe).addAll(c);
  }

  copy(): FieldSet {
    const out = new FieldSet();
    out.member = this.member;
    if (this.children) {
      out.children = new Map();
      for (const [pe, c] of this.children) out.children.set(pe, c.copy());
    }
    return out;
  }

  /** The members of this set that are not members of `other` (a member's subtree is not implied). */
  difference(other: FieldSet | undefined): FieldSet {
    if (!other) return this.copy();
    const out = new FieldSet();
    out.member = this.member && !other.member;
    if (this.children) {
      for (const [pe, c] of this.children) {
        const d = c.difference(other.child(pe));
        if (!d.empty()) (out.children ??= new Map()).set(pe, d);
      }
    }
    return out;
  }

  intersection(other: FieldSet | undefined): FieldSet {
    const out = new FieldSet();
    if (!other) return out;
    out.member = this.member && other.member;
    if (this.children && other.children) {
      for (const [pe, c] of this.children) {
        const o = other.children.get(pe);
        if (!o) continue;
        const i = c.intersection(o);
        if (!i.empty()) (out.children ??= new Map()).set(pe, i);
      }
    }
    return out;
  }

  /** This set without any path that is, or lies below, a member of `other`. */
  recursiveDifference(other: FieldSet | undefined): FieldSet {
    if (!other) return this.copy();
    const out = new FieldSet();
    if (other.member) return out;
    out.member = this.member;
    if (this.children) {
      for (const [pe, c] of this.children) {
        const d = c.recursiveDifference(other.child(pe));
        if (!d.empty()) (out.children ??= new Map()).set(pe, d);
      }
    }
    return out;
  }

  equals(other: FieldSet): boolean {
    if (this.member !== other.member) return false;
    const a = this.children?.size ?? 0;
    const b = other.children?.size ?? 0;
    if (a !== b) return false;
    if (a === 0) return true;
    for (const [pe, c] of this.children!) {
      const o = other.children!.get(pe);
      if (!o || !c.equals(o)) return false;
    }
    return true;
  }

  /** Every member path, in canonical order. */
  paths(): Path[] {
    const out: Path[] = [];
    const walk = (n: FieldSet, prefix: PathElement[]): void => {
      if (n.member && prefix.length > 0) out.push([...prefix]);
      if (!n.children) return;
      for (const pe of sortedElements(n.children.keys())) walk(n.children.get(pe)!, [...prefix, pe]);
    };
    walk(this, []);
    return out;
  }

  /** metadata.managedFields[].fieldsV1: members as `{}`, a member with members below as `".": {}` among them. */
  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (!this.children) return out;
    for (const pe of sortedElements(this.children.keys())) {
      const c = this.children.get(pe)!;
      const hasChildren = c.children !== undefined && c.children.size > 0;
      out[pe] = hasChildren ? (c.member ? { '.': {}, ...c.toFieldsV1() } : c.toFieldsV1()) : {};
    }
    return out;
  }

  /** Reads fieldsV1; throws a FieldsV1Error for anything kube's decoder would refuse. */
  static fromFieldsV1(raw: unknown): FieldSet {
    const out = new FieldSet();
    readInto(out, raw, 0);
    return out;
  }
}

export class FieldsV1Error extends Error {}

const MAX_DEPTH = 256;

function readInto(node: FieldSet, raw: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw new FieldsV1Error('fieldsV1 nests too deeply');
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new FieldsV1Error('expected an object');
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (key === '.') {
      if (depth === 0) throw new FieldsV1Error('"." at the root');
      node.member = true;
      continue;
    }
    checkElement(key);
    const child = new FieldSet();
    (node.children ??= new Map()).set(key, child);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FieldsV1Error(`expected an object at ${JSON.stringify(key)}`);
    if (Object.keys(value).length === 0) child.member = true;
    else readInto(child, value, depth + 1);
  }
}

function checkElement(key: string): void {
  const kind = key.slice(0, 2);
  const rest = key.slice(2);
  switch (kind) {
    case 'f:':
      return;
    case 'k:': {
      const v = parseJSON(rest, key);
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new FieldsV1Error(`key element ${JSON.stringify(key)} is not an object`);
      return;
    }
    case 'v:':
      parseJSON(rest, key);
      return;
    case 'i:':
      if (!/^(0|[1-9][0-9]*)$/.test(rest)) throw new FieldsV1Error(`index element ${JSON.stringify(key)} is not a non-negative integer`);
      return;
    default:
      throw new FieldsV1Error(`unknown path element ${JSON.stringify(key)}: it must start with f:, k:, v: or i:`);
  }
}

function parseJSON(text: string, key: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new FieldsV1Error(`path element ${JSON.stringify(key)} does not hold JSON`);
  }
}

// ---------------------------------------------------------------- elements

/** The element of a struct field or map key. */
export const fieldElement = (name: string): PathElement => `f:${name}`;
/** The element of an associative-list item: its key fields, sorted by name. */
export function keyElement(keys: ReadonlyArray<readonly [string, unknown]>): PathElement {
  const sorted = [...keys].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `k:${JSON.stringify(Object.fromEntries(sorted))}`;
}
/** The element of a set item: its value. */
export const valueElement = (v: unknown): PathElement => `v:${JSON.stringify(v)}`;
export const indexElement = (i: number): PathElement => `i:${i}`;

const KIND_ORDER: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** structured-merge-diff's PathElement order: fields, then keys, then values, then indices. */
export function compareElements(a: PathElement, b: PathElement): number {
  const ka = KIND_ORDER[a[0]!] ?? 4;
  const kb = KIND_ORDER[b[0]!] ?? 4;
  if (ka !== kb) return ka - kb;
  if (ka === 0) return compareStrings(a, b);
  if (ka === 3) return Number(a.slice(2)) - Number(b.slice(2));
  const va = JSON.parse(a.slice(2)) as unknown;
  const vb = JSON.parse(b.slice(2)) as unknown;
  if (ka === 1) {
    const ea = Object.entries(va as Record<string, unknown>);
    const eb = Object.entries(vb as Record<string, unknown>);
    for (let i = 0; ; i++) {
      if (i >= ea.length || i >= eb.length) return ea.length - eb.length;
      const byName = compareStrings(ea[i]![0], eb[i]![0]);
      if (byName !== 0) return byName;
      const byValue = compareValues(ea[i]![1], eb[i]![1]);
      if (byValue !== 0) return byValue;
    }
  }
  return compareValues(va, vb);
}

function sortedElements(keys: Iterable<PathElement>): PathElement[] {
  return [...keys].sort(compareElements);
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const TYPE_ORDER = (v: unknown): number =>
  v === null ? 0 : typeof v === 'number' ? 1 : typeof v === 'string' ? 2 : typeof v === 'boolean' ? 3 : Array.isArray(v) ? 4 : 5;

function compareValues(a: unknown, b: unknown): number {
  const ta = TYPE_ORDER(a);
  const tb = TYPE_ORDER(b);
  if (ta !== tb) return ta - tb;
  if (typeof a === 'number') return a - (b as number);
  if (typeof a === 'string') return compareStrings(a, b as string);
  if (typeof a === 'boolean') return Number(a) - Number(b);
  return compareStrings(JSON.stringify(a), JSON.stringify(b));
}

/** A path as structured-merge-diff prints it in conflicts: `.spec.containers[name="web"].image`. */
export function pathString(path: Path): string {
  return path.map(elementString).join('');
}

function elementString(pe: PathElement): string {
  const rest = pe.slice(2);
  switch (pe[0]) {
    case 'f':
      return `.${rest}`;
    case 'k': {
      const keys = Object.entries(JSON.parse(rest) as Record<string, unknown>);
      return `[${keys.map(([k, v]) => `${k}=${valueString(v)}`).join(',')}]`;
    }
    case 'v':
      return `[=${valueString(JSON.parse(rest))}]`;
    default:
      return `[${rest}]`;
  }
}

function valueString(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
