import fc from 'fast-check';
import { stringify as toYAML } from 'yaml';

/**
 * fast-check generators of what a hostile or careless client sends: valid
 * objects of a few built-in kinds with values of every wrong shape planted at
 * random paths, patches of each type, and junk query parameters, headers and
 * paths. Used by test/integration/hostile-input-property.test.ts.
 */

export interface Kind {
  name: string;
  /** The collection inside namespace "default". */
  collection: string;
  valid: (name: string) => Record<string, unknown>;
  /** Paths under which a stored null is the client's data, kept as kube keeps it (x-kubernetes-preserve-unknown-fields). */
  nullsKeptUnder?: string[];
}

/** The schema of the custom resource kind below: its CRD is created by the suite before it runs. */
export const WIDGET_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.fuzz.example.com' },
  spec: {
    group: 'fuzz.example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
        additionalPrinterColumns: [{ name: 'Size', type: 'string', jsonPath: '.spec.size' }],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                // CEL rules of every kind (message, messageExpression, fieldPath, reason, a transition rule, a dyn
                // value), so mutated objects reach runtime errors, and mutated CRDs reach rules that do not compile.
                'x-kubernetes-validations': [
                  { rule: 'self.replicas <= 1000', message: 'replicas must be at most 1000' },
                  { rule: '!has(self.port) || type(self.port) == string || self.port > 0', messageExpression: '"port must be positive, not " + (self.port < 0 ? "negative" : "zero")' },
                  { rule: '!has(self.labels) || self.labels.all(k, k.size() <= 63 && self.labels[k].size() <= 63)', fieldPath: '.labels' },
                  { rule: 'self.size == oldSelf.size || oldSelf.size != "L"', message: 'size L is final', reason: 'FieldValueForbidden' },
                ],
                properties: {
                  size: { type: 'string', enum: ['S', 'M', 'L'] },
                  replicas: { type: 'integer', minimum: 0, default: 1 },
                  ports: {
                    type: 'array',
                    'x-kubernetes-list-type': 'map',
                    'x-kubernetes-list-map-keys': ['name'],
                    items: {
                      type: 'object',
                      required: ['name'],
                      properties: { name: { type: 'string' }, port: { type: 'integer' } },
                      'x-kubernetes-validations': [{ rule: '!has(self.port) || (self.port > 0 && self.port < 65536)' }],
                    },
                  },
                  labels: { type: 'object', additionalProperties: { type: 'string' } },
                  free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  port: { 'x-kubernetes-int-or-string': true },
                },
              },
              status: { type: 'object', properties: { replicas: { type: 'integer' } } },
            },
          },
        },
      },
    ],
  },
};

export const KINDS: Kind[] = [
  {
    name: 'ConfigMap',
    collection: '/api/v1/namespaces/default/configmaps',
    valid: (name) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { app: 'x' } }, data: { a: 'b' } }),
  },
  {
    name: 'Secret',
    collection: '/api/v1/namespaces/default/secrets',
    valid: (name) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, type: 'Opaque', data: { a: 'Yg==' } }),
  },
  {
    name: 'Deployment',
    collection: '/apis/apps/v1/namespaces/default/deployments',
    valid: (name) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, annotations: { note: 'n' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: 'b' }] }] },
        },
      },
    }),
  },
  {
    name: 'Service',
    collection: '/api/v1/namespaces/default/services',
    valid: (name) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80, targetPort: 8080 }], selector: { app: 'x' } } }),
  },
  {
    name: 'Role',
    collection: '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles',
    valid: (name) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
    }),
  },
  {
    name: 'EndpointSlice',
    collection: '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices',
    valid: (name) => ({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name, labels: { 'kubernetes.io/service-name': 'svc' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true }, hostname: 'a' }],
      ports: [{ name: 'https', port: 443, protocol: 'TCP' }],
    }),
  },
  {
    name: 'Widget',
    collection: '/apis/fuzz.example.com/v1/namespaces/default/widgets',
    nullsKeptUnder: ['.spec.free'],
    valid: (name) => ({
      apiVersion: 'fuzz.example.com/v1',
      kind: 'Widget',
      metadata: { name, labels: { app: 'x' } },
      spec: { size: 'M', replicas: 2, ports: [{ name: 'http', port: 80 }], labels: { a: 'b' }, free: { any: [1, 'x'] }, port: 'http' },
    }),
  },
  {
    name: 'CustomResourceDefinition',
    collection: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
    valid: (name) => ({
      ...WIDGET_CRD,
      metadata: { name: `${name}s.fuzz.example.com` },
      spec: { ...WIDGET_CRD.spec, names: { plural: `${name}s`, singular: name, kind: `K${name.replace(/[^a-z0-9]/g, '')}` } },
    }),
  },
];

/** Keys that have broken object handling somewhere: prototype names, patch directives, odd text. */
export const hostileKey = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom('__proto__', 'constructor', 'prototype', '$patch', '$retainKeys', '$setElementOrder/containers', '$deleteFromPrimitiveList/finalizers', 'é', '', '\u0000', 'a.b', 'metadata', 'status', 'spec', 'name', 'labels', 'kind'),
    fc.string({ maxLength: 8 }),
  );

/**
 * n levels of nesting around a leaf, kept as a marker: toJSONText writes it
 * out in full as text, and fast-check shows it as one short line (both
 * JSON.stringify and fast-check's printer recurse, and overflow the stack on
 * a value thousands of levels deep).
 */
class Nested {
  constructor(
    readonly depth: number,
    readonly arrays: boolean,
  ) {}
  text(): string {
    return (this.arrays ? '[' : '{"a":').repeat(this.depth) + '1' + (this.arrays ? ']' : '}').repeat(this.depth);
  }
  [fc.toStringMethod](): string {
    return `<${this.depth} levels of ${this.arrays ? 'arrays' : 'objects'}>`;
  }
}
const nested = (n: number, arrays: boolean): unknown => new Nested(n, arrays);

/** A value of any JSON shape, weighted towards the ones typed decoding must refuse or normalize. */
export const hostileValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, 1e300, -1e300, 2 ** 63, '', 'x', '0', 'Infinity', [], {}, [null], { k: null }, [[]]) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
    { weight: 1, arbitrary: fc.dictionary(hostileKey(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }).map(withOwnKeys) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(50, 999, 1001, 5000), fc.boolean()).map(([n, arrays]) => nested(n, arrays)) },
  );

/** fc.dictionary builds with assignment; rebuild so a "__proto__" key is an own property, as JSON.parse makes it. */
function withOwnKeys(d: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

/** Where to plant a value: indexes choose an existing key (or a new one) at each level. */
export interface Mutation {
  steps: number[];
  newKey: string;
  value: unknown;
}

/** Values of the right shape more often than not: what typed decoding must keep, normalize or drop. */
const plausibleValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(fc.constantFrom<unknown>(null, '', 'v', 'a-b.c', {}, [], { k: 'v' }, ['x'], { k: null }, [null]), fc.string({ maxLength: 10 }));

export const mutation = (): fc.Arbitrary<Mutation> =>
  fc.record({ steps: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), newKey: hostileKey(), value: fc.oneof(hostileValue(), plausibleValue()) });

/** Plants each mutation's value into a copy of obj: follows existing keys or list items, then sets one (or a new key). */
export function mutate(obj: Record<string, unknown>, mutations: readonly Mutation[]): unknown {
  let root: unknown = copy(obj);
  for (const m of mutations) {
    let parent: unknown = undefined;
    let key: string | number = '';
    let cur: unknown = root;
    for (const step of m.steps) {
      if (Array.isArray(cur) && cur.length > 0) {
        parent = cur;
        key = step % (cur.length + 1);
        if (key === cur.length) break;
        cur = cur[key];
      } else if (typeof cur === 'object' && cur !== null && !(cur instanceof Nested)) {
        const keys = Object.keys(cur);
        const i = step % (keys.length + 1);
        parent = cur;
        key = i === keys.length ? m.newKey : keys[i]!;
        if (i === keys.length) break;
        cur = (cur as Record<string, unknown>)[key];
      } else break;
    }
    // A fresh copy each time: generated constants are shared between runs, and later mutations write into what was planted.
    const value = copy(m.value);
    if (parent === undefined) root = value;
    else if (Array.isArray(parent) && typeof key === 'number') parent[key] = value;
    else Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return root;
}

/** A deep copy that keeps deep-nesting markers and own "__proto__" keys. */
function copy(v: unknown): unknown {
  if (v instanceof Nested || typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(copy);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)]));
}

export type Encoding = 'json' | 'yaml' | 'truncated' | 'garbage' | 'protobuf';

/** The body text for a value in an encoding: JSON, YAML, JSON cut short, or random text. */
export function encode(value: unknown, encoding: Encoding, garbage: string, cut: number): { text: string; contentType: string } {
  switch (encoding) {
    case 'json':
      return { text: toJSONText(value), contentType: 'application/json' };
    case 'yaml':
      return { text: safeYAML(value), contentType: 'application/yaml' };
    case 'truncated': {
      const t = toJSONText(value);
      return { text: t.slice(0, cut % (t.length + 1)), contentType: 'application/json' };
    }
    case 'garbage':
      return { text: garbage, contentType: 'application/json' };
    case 'protobuf':
      // kube's protobuf envelope magic, then whatever the generator made (text as bytes): not a valid Unknown.
      return { text: `k8s\u0000${garbage}`, contentType: 'application/vnd.kubernetes.protobuf' };
  }
}

/** JSON text of a generated value, deep-nesting markers written out in full. */
export function toJSONText(value: unknown): string {
  const deep: string[] = [];
  const text = JSON.stringify(value, (_k, v: unknown) => (v instanceof Nested ? `\u0000deep${deep.push(v.text()) - 1}\u0000` : v)) ?? 'null';
  return deep.length === 0 ? text : text.replace(/"\\u0000deep(\d+)\\u0000"/g, (_m, i: string) => deep[Number(i)]!);
}

function safeYAML(value: unknown): string {
  const json = toJSONText(value);
  // Deep nesting is written as JSON text, which is YAML too (the yaml writer recurses as well).
  let deep = false;
  JSON.stringify(value, (_k, v: unknown) => (v instanceof Nested ? ((deep = true), 0) : v));
  if (deep) return json;
  try {
    return toYAML(value, { aliasDuplicateObjects: false });
  } catch {
    return json;
  }
}

export const encoding = (): fc.Arbitrary<Encoding> => fc.constantFrom<Encoding>('json', 'json', 'json', 'yaml', 'truncated', 'garbage', 'protobuf');

export const fieldValidation = (): fc.Arbitrary<string> => fc.constantFrom('', '', 'Strict', 'Warn', 'Ignore', 'bogus');

/** A JSON pointer into an object like the kinds above, valid or not. */
export const jsonPointer = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom('', '/', '/metadata', '/metadata/labels/x', '/metadata/labels', '/data/a', '/data/-', '/spec/template/spec/containers/0', '/spec/template/spec/containers/-', '/rules/0/verbs/9', '/__proto__/x', '/metadata/name', '/kind', '/~2', '/a~1b'),
    fc.array(hostileKey(), { maxLength: 4 }).map((parts) => parts.map((p) => `/${p.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('')),
  );

export const jsonPatchOp = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.record(
      {
        op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'bogus', ''),
        path: jsonPointer(),
        from: jsonPointer(),
        value: hostileValue(),
      },
      { requiredKeys: ['op', 'path'] },
    ),
    hostileValue(),
  );

export type PatchType = 'merge' | 'strategic' | 'json';
export const PATCH_CONTENT_TYPE: Readonly<Record<PatchType, string>> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

/** Query strings a list or watch may be sent with: every parameter kube reads, with junk values. */
export const listQuery = (): fc.Arbitrary<string> =>
  fc
    .record(
      {
        watch: fc.constantFrom('true', '1', 'false', 'maybe', '', 'True'),
        limit: fc.oneof(fc.constantFrom('0', '-1', '500', '99999999999999999999', 'x', '1.5'), fc.string({ maxLength: 5 })),
        labelSelector: fc.oneof(fc.constantFrom('a=b', 'a in (b', '!', 'a,,b', 'x=\u0000', '==', 'a notin ()'), fc.string({ maxLength: 10 })),
        fieldSelector: fc.oneof(fc.constantFrom('metadata.name=x', 'metadata.name', 'spec.bogus=1', 'a==b!=c', '\\'), fc.string({ maxLength: 10 })),
        resourceVersion: fc.oneof(fc.constantFrom('0', '1', '-1', '99999999999', 'x', ''), fc.string({ maxLength: 5 })),
        resourceVersionMatch: fc.constantFrom('NotOlderThan', 'Exact', 'bogus', ''),
        continue: fc.oneof(fc.constantFrom('x', 'eyJ2IjoxfQ', '%%'), fc.string({ maxLength: 10 })),
        allowWatchBookmarks: fc.constantFrom('true', 'maybe'),
        sendInitialEvents: fc.constantFrom('true', 'false', 'maybe'),
        timeout: fc.constantFrom('1s', '1', 'x', '-1s', '99999h'),
      },
      { requiredKeys: [] },
    )
    .map((q) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(q)) params.set(k, v);
      // A watch that the parameters accept must end by itself: never wait for one to time out on its own.
      params.set('timeoutSeconds', '1');
      return params.toString();
    });

/** Request headers a client may add: impersonation, Accept and Content-Type with junk. */
export const junkHeaders = (): fc.Arbitrary<Record<string, string>> =>
  fc.record(
    {
      'Impersonate-User': fc.constantFrom('', 'bob', 'system:admin', '\u00e9'),
      'Impersonate-Group': fc.constantFrom('', 'g', 'system:masters'),
      'Impersonate-Uid': fc.constantFrom('', 'u'),
      'Impersonate-Extra-%zz': fc.constantFrom('v'),
      Accept: fc.constantFrom('application/json', 'application/yaml', 'application/json;as=Table;v=v1;g=meta.k8s.io', 'application/json;as=Bogus', 'text/html', '*/*', ';;;', 'application/vnd.kubernetes.protobuf'),
    },
    { requiredKeys: [] },
  ).map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== '')));

/** Path suffixes after a collection: names and escapes a router or RequestInfo may trip on. */
export const junkPathSuffix = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom('/%zz', '/%', '/%2F', '/a%00b', '/..', '/.', '//', '/x/status', '/x/scale', '/x/bogus', '/x/y/z/w', '?%zz', '/%E2%82', '/' + 'n'.repeat(300)),
    fc.string({ maxLength: 12 }).map((s) => `/${encodeURIComponent(s)}`),
  );

/** A fieldManager parameter: absent, ordinary, too long, unprintable, or encoded junk. */
export const fieldManagerParam = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom('', '&fieldManager=', '&fieldManager=ctl', '&fieldManager=other', '&fieldManager=kubectl', `&fieldManager=${'m'.repeat(129)}`, '&fieldManager=%00', '&fieldManager=%E2%82', '&fieldManager=a%0Ab'),
    fc.string({ maxLength: 8 }).map((s) => `&fieldManager=${encodeURIComponent(s)}`),
  );

/** One metadata.managedFields entry: well formed, or broken in one of the ways a client can break it. */
export const managedFieldsEntry = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom<unknown>(
      {},
      null,
      'x',
      [],
      { manager: 'm', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } },
      { manager: 'm', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } } } },
      { manager: 'm', operation: 'Bogus', fieldsType: 'FieldsV1', fieldsV1: {} },
      { manager: 'm', operation: 'Update', fieldsType: 'FieldsV2', fieldsV1: {} },
      { manager: 'm', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'x:bad': {} } },
      { manager: 'm', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'k:{not json': {} } },
      { manager: 'm', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'i:-1': {} } },
      { manager: 'm', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { '.': {} } },
      { manager: 'm', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:a': 'x' } },
      { manager: 'm', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: [] },
      { manager: 1, operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: {} },
      { manager: 'm'.repeat(200), operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: {} },
      { manager: 'm', operation: 'Update', time: 'yesterday', fieldsType: 'FieldsV1', fieldsV1: {} },
    ),
    fc.record({ manager: hostileValue(), operation: fc.constantFrom('Apply', 'Update', 'x'), fieldsType: fc.constantFrom('FieldsV1', ''), fieldsV1: hostileValue() }, { requiredKeys: [] }),
    // Well formed, recorded in versions the kinds have or not (kube compares in each manager's version, or drops it).
    fc.record({
      manager: fc.constantFrom('m', 'n'),
      operation: fc.constantFrom('Apply', 'Update'),
      apiVersion: fc.constantFrom('v1', 'apps/v1', 'fuzz.example.com/v1', 'fuzz.example.com/v2', '', 'x/y/z'),
      fieldsType: fc.constant('FieldsV1'),
      fieldsV1: fc.constantFrom({ 'f:spec': { 'f:replicas': {} } }, { 'f:data': { 'f:a': {} } }, { 'f:metadata': { 'f:labels': { 'f:a': {} } } }),
    }),
  );
