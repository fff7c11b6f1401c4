import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkConverted,
  ConversionCheckError,
  conversionReview,
  convertedObjectsOf,
  gvkString,
  restoreObjectMeta,
  reviewVersionFor,
} from '../../../src/apiextensions/conversion/review.js';
import type { KubeObject } from '../../../src/registry/object.js';

const original = (): KubeObject =>
  ({
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w', namespace: 'ns', uid: 'u-1', resourceVersion: '7', labels: { a: '1' }, annotations: { n: 'x' }, generation: 2 },
    spec: { color: 'red' },
  }) as KubeObject;

const throwsText = (fn: () => unknown, text: string) =>
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConversionCheckError, String(err));
    assert.equal(err.message, text);
    return true;
  });

describe('ConversionReview request', () => {
  it('takes the first review version this server speaks, in the CRD order', () => {
    assert.equal(reviewVersionFor(['v1', 'v1beta1']), 'v1');
    assert.equal(reviewVersionFor(['v1beta1', 'v1']), 'v1beta1');
    assert.equal(reviewVersionFor(['v2', 'v1beta1']), 'v1beta1');
    assert.equal(reviewVersionFor(['v2']), undefined);
  });

  it('carries uid, desiredAPIVersion and the objects', () => {
    const r = conversionReview('v1beta1', 'id', 'example.com/v2', [original()]);
    assert.equal(r.apiVersion, 'apiextensions.k8s.io/v1beta1');
    assert.equal(r.kind, 'ConversionReview');
    assert.deepEqual(r.request, { uid: 'id', desiredAPIVersion: 'example.com/v2', objects: [original()] });
  });

  it('prints a GroupVersionKind as Go does', () => {
    assert.equal(gvkString('example.com/v1', 'Widget'), 'example.com/v1, Kind=Widget');
    assert.equal(gvkString('v1', 'Pod'), '/v1, Kind=Pod');
  });
});

describe('ConversionReview response checks (getConvertedObjectsFromResponse)', () => {
  const ok = (extra: Record<string, unknown> = {}) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'ConversionReview',
    response: { uid: 'id', result: { status: 'Success' }, convertedObjects: [{ a: 1 }], ...extra },
  });

  it('returns the converted objects of a good v1 answer', () => {
    assert.deepEqual(convertedObjectsOf('v1', 'id', ok()), [{ a: 1 }]);
  });

  it('wants a v1 ConversionReview back for a v1 request', () => {
    throwsText(
      () => convertedObjectsOf('v1', 'id', { ...ok(), apiVersion: 'apiextensions.k8s.io/v1beta1' }),
      'expected webhook response of apiextensions.k8s.io/v1, Kind=ConversionReview, got apiextensions.k8s.io/v1beta1, Kind=ConversionReview',
    );
  });

  it('wants a response and the request uid echoed', () => {
    throwsText(() => convertedObjectsOf('v1', 'id', { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview' }), 'no response provided');
    throwsText(() => convertedObjectsOf('v1', 'id', ok({ uid: 'other' })), 'expected response.uid="id", got "other"');
  });

  it('v1beta1 answers are not checked for kind or uid (kube keeps that for compatibility)', () => {
    assert.deepEqual(convertedObjectsOf('v1beta1', 'id', { response: { uid: 'x', result: { status: 'Success' }, convertedObjects: [] } }), []);
  });

  it('a failed result gives its message, or the status', () => {
    throwsText(() => convertedObjectsOf('v1', 'id', ok({ result: { status: 'Failure', message: 'cannot convert' } })), 'cannot convert');
    throwsText(() => convertedObjectsOf('v1', 'id', ok({ result: { status: 'Failure' } })), "response.result.status was 'Failure', not 'Success'");
    throwsText(() => convertedObjectsOf('v1', 'id', ok({ result: undefined })), "response.result.status was '', not 'Success'");
  });
});

describe('converted object checks (validateConvertedObject, restoreObjectMeta)', () => {
  const converted = (change: (o: Record<string, any>) => void = () => {}) => {
    const o: Record<string, any> = { ...structuredClone(original()), apiVersion: 'example.com/v2', spec: { colour: 'red' } };
    change(o);
    return o;
  };

  it('takes the converted body with the original metadata', () => {
    const out = checkConverted(
      original(),
      converted((o) => {
        o.metadata.resourceVersion = '99';
        o.metadata.generation = 5;
        o.metadata.finalizers = ['x'];
      }),
      'example.com/v2',
      0,
      true,
    );
    assert.deepEqual(out, { ...original(), apiVersion: 'example.com/v2', spec: { colour: 'red' } });
  });

  it('keeps label and annotation changes, and their removal', () => {
    const out = checkConverted(
      original(),
      converted((o) => {
        o.metadata.labels = { a: '2', b: 'new' };
        delete o.metadata.annotations;
      }),
      'example.com/v2',
      0,
      true,
    );
    assert.deepEqual(out.metadata?.labels, { a: '2', b: 'new' });
    assert.equal(out.metadata?.annotations, undefined);
  });

  it('refuses another groupVersion or kind, worded for one object and for a list', () => {
    throwsText(
      () => checkConverted(original(), converted((o) => (o.apiVersion = 'example.com/v1')), 'example.com/v2', 0, true),
      'conversion webhook for example.com/v1, Kind=Widget returned invalid object at index 0: invalid groupVersion (expected example.com/v2, received example.com/v1)',
    );
    throwsText(
      () => checkConverted(original(), converted((o) => (o.kind = 'Gadget')), 'example.com/v2', 3, false),
      'conversion webhook for example.com/v1, Kind=Widget returned invalid converted object at index 3: invalid kind (expected Widget, received Gadget)',
    );
  });

  it('refuses a changed name, namespace or uid', () => {
    throwsText(
      () => checkConverted(original(), converted((o) => (o.metadata.name = 'other')), 'example.com/v2', 0, true),
      'conversion webhook for example.com/v1, Kind=Widget returned invalid object: must have the same name: w != other',
    );
    throwsText(
      () => checkConverted(original(), converted((o) => (o.metadata.namespace = 'x')), 'example.com/v2', 1, false),
      'conversion webhook for example.com/v1, Kind=Widget returned invalid converted object at index 1: must have the same namespace: ns != x',
    );
    throwsText(
      () => checkConverted(original(), converted((o) => delete o.metadata.uid), 'example.com/v2', 0, true),
      'conversion webhook for example.com/v1, Kind=Widget returned invalid object: must have the same UID: u-1 != ',
    );
  });

  it('refuses an object without kind as unstructured decoding does', () => {
    // Unstructured's decoding: a non-object fails encoding/json's decode into a map, a null has no bytes, an object needs a kind.
    throwsText(() => checkConverted(original(), 'garbage', 'example.com/v2', 0, true), 'json: cannot unmarshal string into Go value of type map[string]interface {}');
    throwsText(() => checkConverted(original(), [true], 'example.com/v2', 0, true), 'json: cannot unmarshal array into Go value of type map[string]interface {}');
    throwsText(() => checkConverted(original(), null, 'example.com/v2', 0, true), 'unexpected end of JSON input');
    throwsText(() => checkConverted(original(), {}, 'example.com/v2', 0, true), `Object 'Kind' is missing in '{}'`);
    throwsText(
      () => checkConverted(original(), { apiVersion: 'example.com/v2' }, 'example.com/v2', 2, false),
      `conversion webhook for example.com/v1, Kind=Widget returned invalid converted object at index 2: Object 'Kind' is missing in '{"apiVersion":"example.com/v2"}'`,
    );
  });

  it('refuses bad metadata, labels and annotations', () => {
    throwsText(
      () => checkConverted(original(), converted((o) => delete o.metadata), 'example.com/v2', 0, true),
      'conversion webhook for example.com/v1, Kind=Widget returned invalid object: must have the same name: w != ',
    );
    throwsText(
      () => checkConverted(original(), converted((o) => (o.metadata.labels = { a: 1 })), 'example.com/v2', 0, true),
      'conversion webhook for example.com/v1, Kind=Widget returned invalid metadata: metadata.labels[a] must be a string, but is int64 in converted object',
    );
    throwsText(
      () => checkConverted(original(), converted((o) => (o.metadata.annotations = 'x')), 'example.com/v2', 4, false),
      'conversion webhook for example.com/v1, Kind=Widget returned invalid metadata in object at index 4: invalid metadata.annotations of type string in converted object',
    );
    assert.throws(
      () => checkConverted(original(), converted((o) => (o.metadata.labels = { 'bad key!': 'v' })), 'example.com/v2', 0, true),
      /returned invalid metadata: metadata\.labels: Invalid value: "bad key!"/,
    );
  });

  it('restoreObjectMeta wants metadata as an object', () => {
    const o = { apiVersion: 'example.com/v2', kind: 'Widget' } as KubeObject;
    assert.equal(restoreObjectMeta(original(), o), 'missing metadata in converted object');
    assert.equal(restoreObjectMeta(original(), { ...o, metadata: [] } as unknown as KubeObject), 'invalid metadata of type []interface {} in converted object');
  });
});
