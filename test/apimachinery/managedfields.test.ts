import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FieldSet, pathString } from '../../src/apimachinery/managedfields/field-set.js';
import { LEAF, type ListType, type MergeType, type StructType } from '../../src/apimachinery/managedfields/merge-type.js';
import { compare, merge, toFieldSet } from '../../src/apimachinery/managedfields/typed-value.js';
import { capUpdateManagers, decodeManagers, encodeManagers, identityOf, ManagedFieldsError, type Managers } from '../../src/apimachinery/managedfields/managers.js';
import { applyConfiguration, ConflictsError, updateOwnership } from '../../src/apimachinery/managedfields/updater.js';
import { conflictStatusError } from '../../src/apimachinery/managedfields/conflict-status.js';
import { builtinMergeType } from '../../src/endpoints/fieldmanager/merge-types.js';

/** A ConfigMap-like kind: data granular, a list-map of items keyed by name, a set of finalizers, an atomic list. */
const item: StructType = { kind: 'struct', field: (n) => (n === 'name' || n === 'value' ? LEAF : undefined), elem: undefined };
const items: ListType = { kind: 'list', listType: 'map', keys: ['name'], keyDefaults: {}, elem: () => item };
const tags: ListType = { kind: 'list', listType: 'set', keys: [], keyDefaults: {}, elem: () => LEAF };
const dataMap: StructType = { kind: 'struct', field: () => undefined, elem: LEAF };
const root: StructType = {
  kind: 'struct',
  field: (n) => ({ data: dataMap, items, tags, args: LEAF, metadata: dataMap })[n] as MergeType | undefined,
  elem: undefined,
};

const NOW = '2026-12-07T00:00:00Z';
const info = (manager: string, operation: 'Apply' | 'Update' = 'Apply') => ({ manager, operation, apiVersion: 'v1', subresource: '' }) as const;

describe('field sets in kube\'s FieldsV1 encoding', () => {
  it('encodes members, "." for a member with members below, in structured-merge-diff order', () => {
    const set = toFieldSet({ data: { b: '1', a: '2' }, items: [{ name: 'x', value: 'v' }], tags: ['t', 'a'], args: ['1'] }, root);
    assert.deepEqual(set.toFieldsV1(), {
      'f:args': {},
      'f:data': { 'f:a': {}, 'f:b': {} },
      'f:items': { 'k:{"name":"x"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
      'f:tags': { 'v:"a"': {}, 'v:"t"': {} },
    });
    assert.deepEqual(Object.keys(set.toFieldsV1()['f:items'] as object), ['k:{"name":"x"}']);
    assert.deepEqual(Object.keys(set.toFieldsV1()), ['f:args', 'f:data', 'f:items', 'f:tags']);
  });

  it('round-trips through fieldsV1 for any set of paths', () => {
    const element = fc.oneof(
      fc.string({ maxLength: 4 }).map((s) => `f:${s}`),
      fc.record({ name: fc.string({ maxLength: 3 }) }).map((k) => `k:${JSON.stringify(k)}`),
      fc.oneof(fc.string({ maxLength: 3 }), fc.integer()).map((v) => `v:${JSON.stringify(v)}`),
      fc.nat(50).map((i) => `i:${i}`),
    );
    fc.assert(
      fc.property(fc.array(fc.array(element, { minLength: 1, maxLength: 4 }), { maxLength: 10 }), (paths) => {
        const set = FieldSet.of(paths);
        const back = FieldSet.fromFieldsV1(JSON.parse(JSON.stringify(set.toFieldsV1())));
        assert.ok(back.equals(set));
        for (const p of paths) assert.ok(back.has(p));
      }),
    );
  });

  it('refuses fieldsV1 kube would not decode', () => {
    for (const bad of [{ 'x:a': {} }, { 'k:{': {} }, { 'i:-1': {} }, { '.': {} }, { 'f:a': 'x' }, { 'f:a': [] }, [], 'x']) {
      assert.throws(() => FieldSet.fromFieldsV1(bad), `${JSON.stringify(bad)} refused`);
    }
  });

  it('prints paths as kube prints them in conflicts', () => {
    assert.equal(pathString(['f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image']), '.spec.containers[name="web"].image');
    assert.equal(pathString(['f:spec', 'f:ports', 'k:{"port":80,"protocol":"TCP"}']), '.spec.ports[port=80,protocol="TCP"]');
    assert.equal(pathString(['f:metadata', 'f:finalizers', 'v:"a"']), '.metadata.finalizers[="a"]');
  });
});

describe('comparison and merge by merge type', () => {
  it('a container that appears is added itself; null counts as present', () => {
    const c = compare({ items: null }, { data: { a: '1' }, items: [{ name: 'x' }] }, root);
    assert.deepEqual(c.added.toFieldsV1(), { 'f:data': { '.': {}, 'f:a': {} }, 'f:items': { 'k:{"name":"x"}': { '.': {}, 'f:name': {} } } });
    assert.ok(c.modified.empty() && c.removed.empty());
  });

  it('merges list-map items by key: shared ones in the configuration\'s order, live-only ones where they stood', () => {
    const live = { items: [{ name: 'a', value: '1' }, { name: 'b', value: '2' }, { name: 'c', value: '3' }] };
    const config = { items: [{ name: 'c', value: 'x' }, { name: 'd' }, { name: 'a' }] };
    assert.deepEqual(merge(live, config, root), {
      items: [{ name: 'b', value: '2' }, { name: 'c', value: 'x' }, { name: 'd' }, { name: 'a', value: '1' }],
    });
  });

  it('an atomic list is replaced whole; a granular map keeps the keys the configuration leaves out', () => {
    assert.deepEqual(merge({ args: ['1', '2'], data: { a: '1', b: '2' } }, { args: ['3'], data: { b: 'x' } }, root), { args: ['3'], data: { a: '1', b: 'x' } });
  });

  it('built-in merge types follow kube\'s list markers (containers by name, ports by containerPort and protocol with TCP default)', () => {
    const t = builtinMergeType({ group: 'apps', version: 'v1', kind: 'Deployment' })!;
    const set = toFieldSet({ spec: { template: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 80 }] }] } } } }, t);
    assert.ok(set.has(['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"web"}', 'f:ports', 'k:{"containerPort":80,"protocol":"TCP"}', 'f:containerPort']));
    // The selector is an atomic struct: one field.
    const sel = toFieldSet({ spec: { selector: { matchLabels: { a: 'b' } } } }, t);
    assert.deepEqual(sel.toFieldsV1(), { 'f:spec': { 'f:selector': {} } });
  });
});

describe('ownership', () => {
  it('an apply owns what it sets; another manager applying the same value shares it; a different value conflicts', () => {
    const managers: Managers = new Map();
    const live = { data: { a: '1' } };
    const first = applyConfiguration({}, live, root, managers, info('one'), new FieldSet(), false, NOW);
    assert.deepEqual(first.object, live);
    applyConfiguration(live, { data: { a: '1' } }, root, managers, info('two'), new FieldSet(), false, NOW);
    assert.equal(managers.size, 2);
    assert.throws(
      () => applyConfiguration(live, { data: { a: '2' } }, root, managers, info('two'), new FieldSet(), false, NOW),
      (err: unknown) => err instanceof ConflictsError && err.conflicts.length === 1 && pathString(err.conflicts[0]!.path) === '.data.a',
    );
    // Forced: the other manager loses the field.
    const forced = applyConfiguration(live, { data: { a: '2' } }, root, managers, info('two'), new FieldSet(), true, NOW);
    assert.deepEqual(forced.object, { data: { a: '2' } });
    assert.deepEqual([...managers.values()].map((o) => o.manager), ['two']);
  });

  it('a field the applier stops applying is removed unless someone else owns it', () => {
    const managers: Managers = new Map();
    let live: unknown = applyConfiguration({}, { data: { a: '1', b: '2' } }, root, managers, info('one'), new FieldSet(), false, NOW).object;
    applyConfiguration(live, { data: { b: '2' } }, root, managers, info('two'), new FieldSet(), false, NOW);
    live = applyConfiguration(live, { data: {} }, root, managers, info('one'), new FieldSet(), false, NOW).object;
    assert.deepEqual(live, { data: { b: '2' } });
  });

  it('an update takes what it changed from everyone and keeps the rest with its owners', () => {
    const managers: Managers = new Map();
    const live = applyConfiguration({}, { data: { a: '1', b: '2' } }, root, managers, info('ssa'), new FieldSet(), false, NOW).object;
    updateOwnership(live, { data: { a: 'x', b: '2', c: '3' } }, root, managers, info('ctl', 'Update'), new FieldSet(), NOW);
    const byManager = Object.fromEntries([...managers.values()].map((o) => [o.manager, o.set.toFieldsV1()]));
    assert.deepEqual(byManager, { ssa: { 'f:data': { 'f:b': {} } }, ctl: { 'f:data': { 'f:a': {}, 'f:c': {} } } });
  });

  it('conflicts read as kube words them, one cause per field', () => {
    const err = conflictStatusError([
      { manager: identityOf(info('b', 'Update')), path: ['f:data', 'f:x'] },
      { manager: identityOf(info('a')), path: ['f:data', 'f:y'] },
    ]);
    assert.equal(err.status.code, 409);
    assert.equal(err.status.reason, 'Conflict');
    assert.equal(err.status.message, 'Apply failed with 2 conflicts: conflicts with "a":\n- .data.y\nconflicts with "b" using v1:\n- .data.x');
    assert.deepEqual(err.status.details?.causes, [
      { reason: 'FieldManagerConflict', message: 'conflict with "a"', field: '.data.y' },
      { reason: 'FieldManagerConflict', message: 'conflict with "b" using v1', field: '.data.x' },
    ]);
    const one = conflictStatusError([{ manager: identityOf(info('kubectl-client-side-apply', 'Update')), path: ['f:spec', 'f:replicas'] }]);
    assert.equal(one.status.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .spec.replicas');
  });
});

describe('managedFields entries', () => {
  it('decodes, orders (Apply first, then by time and manager) and refuses duplicates and unknown operations', () => {
    const entries = [
      { manager: 'z', operation: 'Update', apiVersion: 'v1', time: '2026-01-02T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } },
      { manager: 'y', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:b': {} } } },
      { manager: 'x', operation: 'Apply', apiVersion: 'v1', time: '2026-01-03T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:c': {} } } },
    ];
    assert.deepEqual(encodeManagers(decodeManagers(entries)).map((e) => e.manager), ['x', 'y', 'z']);
    assert.throws(() => decodeManagers([entries[0], entries[0]]), ManagedFieldsError);
    assert.throws(() => decodeManagers([{ ...entries[0], operation: 'Bogus' }]), ManagedFieldsError);
    assert.throws(() => decodeManagers([{ ...entries[0], fieldsType: 'FieldsV2' }]), ManagedFieldsError);
  });

  it('keeps at most 10 Update entries, folding the oldest into ancient-changes', () => {
    const managers: Managers = new Map();
    for (let i = 0; i < 15; i++) {
      const o = { ...info(`m${String(i).padStart(2, '0')}`, 'Update'), set: FieldSet.of([['f:data', `f:k${i}`]]), time: `2026-01-01T00:00:${String(i).padStart(2, '0')}Z` };
      managers.set(identityOf(o), o);
    }
    capUpdateManagers(managers);
    const names = [...managers.values()].map((o) => o.manager);
    assert.equal(names.length, 10);
    assert.ok(names.includes('ancient-changes'));
    const bucket = [...managers.values()].find((o) => o.manager === 'ancient-changes')!;
    assert.deepEqual(Object.keys(bucket.set.toFieldsV1()['f:data'] as object).sort(), ['f:k0', 'f:k1', 'f:k2', 'f:k3', 'f:k4', 'f:k5']);
  });
});
