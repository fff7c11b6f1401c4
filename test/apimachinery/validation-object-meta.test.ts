import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldError } from '../../src/apimachinery/validation/field-error.js';
import { FieldPath } from '../../src/apimachinery/validation/path.js';
import { nameIsDNSLabel, nameIsDNSSubdomain, validatePathSegmentName } from '../../src/apimachinery/validation/names.js';
import { type ObjectMeta, validateObjectMeta, validateObjectMetaUpdate } from '../../src/apimachinery/validation/object-meta.js';
import {
  validateAnnotations,
  validateFieldManager,
  validateKubeFinalizerName,
  validateOwnerReferences,
} from '../../src/apimachinery/validation/metadata-fields.js';
import { validateLabelSelector, validateLabels } from '../../src/apimachinery/validation/labels.js';

const texts = (errs: FieldError[]): string[] => errs.map(String);
const namespaced = { namespaced: true, nameValidator: nameIsDNSSubdomain };
const clusterScoped = { namespaced: false, nameValidator: nameIsDNSSubdomain };
const valid: ObjectMeta = { name: 'web', namespace: 'default' };

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character " +
  "(e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('validateObjectMeta', () => {
  it('accepts valid metadata', () => {
    assert.deepEqual(validateObjectMeta(valid, namespaced), []);
    assert.deepEqual(validateObjectMeta({ name: 'node-1' }, clusterScoped), []);
    assert.deepEqual(
      validateObjectMeta(
        {
          ...valid,
          generateName: 'web-',
          labels: { app: 'web', 'app.kubernetes.io/name': 'x', empty: '' },
          annotations: { 'Example.com/UPPER': 'anything at all, even spaces' },
          finalizers: ['example.com/cleanup', 'kubernetes'],
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true }],
          generation: 1,
          managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsType: 'FieldsV1' }],
        },
        namespaced,
      ),
      [],
    );
  });

  it('a bad name', () => {
    assert.deepEqual(texts(validateObjectMeta({ ...valid, name: 'Foo' }, namespaced)), [`metadata.name: Invalid value: "Foo": ${SUBDOMAIN_MSG}`]);
  });

  it('a missing name', () => {
    assert.deepEqual(texts(validateObjectMeta({ namespace: 'default' }, namespaced)), [
      'metadata.name: Required value: name or generateName is required',
    ]);
  });

  it('generateName is checked as a prefix (trailing dash allowed), and reported on its own field', () => {
    assert.deepEqual(validateObjectMeta({ ...valid, generateName: 'foo-' }, namespaced), []);
    assert.deepEqual(texts(validateObjectMeta({ ...valid, generateName: 'Foo-' }, namespaced)), [
      `metadata.generateName: Invalid value: "Foo-": ${SUBDOMAIN_MSG}`,
    ]);
  });

  it('namespace: required when namespaced, a DNS label, forbidden on cluster-scoped kinds', () => {
    assert.deepEqual(texts(validateObjectMeta({ name: 'a' }, namespaced)), ['metadata.namespace: Required value']);
    assert.deepEqual(texts(validateObjectMeta({ name: 'a', namespace: 'a.b' }, namespaced)), [
      'metadata.namespace: Invalid value: "a.b": must not contain dots',
    ]);
    assert.deepEqual(texts(validateObjectMeta({ name: 'a', namespace: 'default' }, clusterScoped)), [
      'metadata.namespace: Forbidden: not allowed on this type',
    ]);
  });

  it("uses the kind's name rule", () => {
    assert.deepEqual(validateObjectMeta({ name: 'a.b' }, { namespaced: false, nameValidator: nameIsDNSSubdomain }), []);
    assert.deepEqual(texts(validateObjectMeta({ name: 'a.b' }, { namespaced: false, nameValidator: nameIsDNSLabel })), [
      'metadata.name: Invalid value: "a.b": must not contain dots',
    ]);
    assert.deepEqual(texts(validateObjectMeta({ name: 'a/b' }, { namespaced: false, nameValidator: validatePathSegmentName })), [
      `metadata.name: Invalid value: "a/b": may not contain '/'`,
    ]);
  });

  it('a bad label key and a bad label value', () => {
    assert.deepEqual(texts(validateObjectMeta({ ...valid, labels: { 'bad key': 'ok', good: '-bad' } }, namespaced)), [
      "metadata.labels: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      "metadata.labels: Invalid value: \"-bad\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ]);
  });

  it('too-long annotations', () => {
    assert.deepEqual(texts(validateObjectMeta({ ...valid, annotations: { a: 'b'.repeat(256 * 1024) } }, namespaced)), [
      'metadata.annotations: Too long: may not be more than 262144 bytes',
    ]);
  });

  it('a negative generation', () => {
    assert.deepEqual(texts(validateObjectMeta({ ...valid, generation: -1 }, namespaced)), [
      'metadata.generation: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });

  it('finalizers: qualified names, and not both orphan and foregroundDeletion', () => {
    assert.deepEqual(texts(validateObjectMeta({ ...valid, finalizers: ['a/b/c'] }, namespaced)).length, 1);
    assert.deepEqual(texts(validateObjectMeta({ ...valid, finalizers: ['orphan', 'foregroundDeletion'] }, namespaced)), [
      'metadata.finalizers: Invalid value: []string{"orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set',
    ]);
    // Unqualified non-standard finalizers pass here; kube only refuses them in a Namespace's spec.
    assert.deepEqual(validateObjectMeta({ ...valid, finalizers: ['cleanup'] }, namespaced), []);
    assert.deepEqual(texts(validateKubeFinalizerName('cleanup', FieldPath.of('spec', 'finalizers'))), [
      'spec.finalizers: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified',
    ]);
    assert.deepEqual(validateKubeFinalizerName('kubernetes', FieldPath.of('spec', 'finalizers')), []);
  });

  it('uses another root path when given one', () => {
    const path = FieldPath.of('spec', 'template', 'metadata');
    assert.deepEqual(texts(validateObjectMeta({ name: 'x', labels: { a: '-' } }, { ...clusterScoped, path })).map((t) => t.split(':')[0]), [
      'spec.template.metadata.labels',
    ]);
  });
});

describe('validateAnnotations', () => {
  const path = FieldPath.of('field');
  // kube's TestValidateAnnotations.
  const good: Record<string, string>[] = [{ simple: 'bar' }, { 'now.with.dots/simple': 'bar' }, { '1.2.3.4/5678': 'bar' }, { UpperCase123: 'bar' }, { a: 'b'.repeat(262144 - 2) }, { a: 'b'.repeat(131072 - 1), c: 'd'.repeat(131072 - 1) }];
  for (const ok of good) {
    it(`accepts ${Object.keys(ok).join(',')}`, () => assert.deepEqual(validateAnnotations(ok, path), []));
  }
  it('refuses bad keys with one error each', () => {
    assert.match(String(validateAnnotations({ 'nospecialchars^=@': 'bar' }, path)), /name part must consist of/);
    assert.match(String(validateAnnotations({ 'only/one/slash': 'bar' }, path)), /a qualified name must consist of/);
    assert.deepEqual(texts(validateAnnotations({ ['a'.repeat(254)]: 'bar' }, path)), [
      `field: Invalid value: "${'a'.repeat(254)}": name part must be no more than 63 characters`,
    ]);
  });
  it('counts key and value bytes together', () => {
    assert.equal(validateAnnotations({ a: 'b'.repeat(262144) }, path).length, 1);
    assert.equal(validateAnnotations({ a: 'b'.repeat(131072), c: 'd'.repeat(131072) }, path).length, 1);
    assert.equal(validateAnnotations({ a: 'é'.repeat(131072) }, path).length, 1);
  });
});

describe('validateOwnerReferences', () => {
  const path = FieldPath.of('metadata', 'ownerReferences');
  it("reports kube 1.32's messages on the list's path", () => {
    assert.deepEqual(texts(validateOwnerReferences([{ apiVersion: '', kind: '', name: '', uid: '' }], path)), [
      'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
      'metadata.ownerReferences.kind: Invalid value: "": kind must not be empty',
      'metadata.ownerReferences.name: Invalid value: "": name must not be empty',
      'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty',
    ]);
    assert.equal(validateOwnerReferences([{ apiVersion: 'apps/', kind: 'K', name: 'n', uid: 'u' }], path).length, 1);
    assert.equal(validateOwnerReferences([{ apiVersion: 'a/b/c', kind: 'K', name: 'n', uid: 'u' }], path).length, 1);
  });
  it('refuses Events as owners', () => {
    assert.match(String(validateOwnerReferences([{ apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u' }], path)), /\/v1, Kind=Event is disallowed from being an owner$/);
  });
  it('allows one controller only', () => {
    const refs = [
      { apiVersion: 'v1', kind: 'A', name: 'a', uid: '1', controller: true },
      { apiVersion: 'v1', kind: 'B', name: 'b', uid: '2', controller: false },
      { apiVersion: 'v1', kind: 'C', name: 'c', uid: '3', controller: true },
    ];
    const errs = validateOwnerReferences(refs, path);
    assert.equal(errs.length, 1);
    assert.equal(errs[0].field, 'metadata.ownerReferences');
    assert.match(errs[0].detail, /^Only one reference can have Controller set to true. Found "true" in references for A\/a and C\/c$/);
  });
});

describe('validateFieldManager', () => {
  it('bounds length and refuses unprintable characters at their byte offset', () => {
    const path = FieldPath.of('fieldManager');
    assert.deepEqual(validateFieldManager('kubectl-client-side-apply', path), []);
    assert.deepEqual(texts(validateFieldManager('x'.repeat(129), path)), ['fieldManager: Too long: may not be more than 128 bytes']);
    assert.deepEqual(texts(validateFieldManager('é\x07', path)), [
      'fieldManager: Invalid value: "é\\a": invalid character U+0007 (at position 2)',
    ]);
  });
});

describe('validateLabels and validateLabelSelector', () => {
  it('labels', () => {
    assert.deepEqual(validateLabels({ a: 'b' }, FieldPath.of('l')), []);
    assert.equal(validateLabels({ 'a b': 'c d' }, FieldPath.of('l')).length, 2);
  });

  it('selector requirements, with their paths', () => {
    const path = FieldPath.of('spec', 'selector');
    assert.deepEqual(validateLabelSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'a', operator: 'In', values: ['x'] }] }, {}, path), []);
    assert.deepEqual(
      texts(
        validateLabelSelector(
          {
            matchLabels: { app: '-' },
            matchExpressions: [
              { key: 'a', operator: 'In' },
              { key: 'b', operator: 'Exists', values: ['x'] },
              { key: 'c', operator: 'Equals', values: ['-x'] },
            ],
          },
          {},
          path,
        ),
      ).map((t) => t.slice(0, t.indexOf(':', t.indexOf(':') + 1))),
      [
        'spec.selector.matchLabels: Invalid value',
        "spec.selector.matchExpressions[0].values: Required value",
        'spec.selector.matchExpressions[1].values: Forbidden',
        'spec.selector.matchExpressions[2].operator: Invalid value',
        'spec.selector.matchExpressions[2].values[0]: Invalid value',
      ],
    );
    assert.deepEqual(
      validateLabelSelector({ matchExpressions: [{ key: 'c', operator: 'Equals', values: ['-x'] }] }, { allowUnknownOperatorInRequirement: true, allowInvalidLabelValueInSelector: true }, path),
      [],
    );
  });
});

describe('validateObjectMetaUpdate', () => {
  const old: ObjectMeta = {
    name: 'web',
    namespace: 'default',
    uid: 'u1',
    resourceVersion: '5',
    generation: 2,
    creationTimestamp: '2024-01-02T03:04:05Z',
  };

  it('accepts an update that changes only mutable fields', () => {
    assert.deepEqual(validateObjectMetaUpdate({ ...old, labels: { a: 'b' }, generation: 3, generateName: 'other-' }, old), []);
  });

  it('name, namespace, uid and creationTimestamp are immutable', () => {
    assert.deepEqual(
      texts(validateObjectMetaUpdate({ ...old, name: 'db', namespace: 'other', uid: 'u2', creationTimestamp: '2025-01-01T00:00:00Z' }, old)),
      [
        'metadata.name: Invalid value: "db": field is immutable',
        'metadata.namespace: Invalid value: "other": field is immutable',
        'metadata.uid: Invalid value: "u2": field is immutable',
        'metadata.creationTimestamp: Invalid value: 2025-01-01 00:00:00 +0000 UTC: field is immutable',
      ],
    );
  });

  it('the same instant written differently is no change', () => {
    assert.deepEqual(validateObjectMetaUpdate({ ...old, creationTimestamp: '2024-01-02T04:04:05+01:00' }, old), []);
  });

  it('deletion fields are immutable too', () => {
    assert.deepEqual(texts(validateObjectMetaUpdate({ ...old, deletionTimestamp: '2024-01-02T03:04:05Z', deletionGracePeriodSeconds: 30 }, old)), [
      'metadata.deletionTimestamp: Invalid value: 2024-01-02 03:04:05 +0000 UTC: field is immutable',
      'metadata.deletionGracePeriodSeconds: Invalid value: 30: field is immutable',
    ]);
    const deleting = { ...old, deletionTimestamp: '2024-01-02T03:04:05Z', deletionGracePeriodSeconds: 30 };
    assert.deepEqual(texts(validateObjectMetaUpdate({ ...old }, deleting)), [
      'metadata.deletionTimestamp: Invalid value: null: field is immutable',
      'metadata.deletionGracePeriodSeconds: Invalid value: null: field is immutable',
    ]);
  });

  it('requires a resourceVersion and refuses a lower generation', () => {
    assert.deepEqual(texts(validateObjectMetaUpdate({ ...old, resourceVersion: '', generation: 1 }, old)), [
      'metadata.resourceVersion: Invalid value: "": must be specified for an update',
      'metadata.generation: Invalid value: 1: must not be decremented',
    ]);
  });

  it('no new finalizers once deletion has started; removing them is fine', () => {
    const deleting = { ...old, deletionTimestamp: '2024-02-01T00:00:00Z', finalizers: ['a.io/x'] };
    assert.deepEqual(validateObjectMetaUpdate({ ...deleting, finalizers: [] }, deleting), []);
    assert.deepEqual(texts(validateObjectMetaUpdate({ ...deleting, finalizers: ['a.io/x', 'b.io/y', 'a.io/z'] }, deleting)), [
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"a.io/z", "b.io/y"}',
    ]);
    assert.deepEqual(validateObjectMetaUpdate({ ...old, finalizers: ['b.io/y'] }, old), []);
  });

  it('still checks labels and annotations', () => {
    assert.equal(validateObjectMetaUpdate({ ...old, labels: { '-': 'x' } }, old).length, 1);
    assert.equal(validateObjectMetaUpdate({ ...old, annotations: { a: 'b'.repeat(262144) } }, old).length, 1);
  });
});
