import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newConverter } from '../../../src/apiextensions/conversion/converter.js';
import { defaultDeprecationWarning, deprecationWarnings } from '../../../src/apiextensions/conversion/deprecation.js';
import { ConversionFailedError, convertByWebhook, type ReviewTransport } from '../../../src/apiextensions/conversion/webhook.js';
import type { CustomResourceDefinition } from '../../../src/apiextensions/customresourcedefinition/types.js';
import { StatusError } from '../../../src/apimachinery/status-error.js';
import type { KubeObject } from '../../../src/registry/object.js';

const widget = (name: string, version: string): KubeObject =>
  ({ apiVersion: `example.com/${version}`, kind: 'Widget', metadata: { name, namespace: 'ns', uid: `u-${name}` }, spec: {} }) as KubeObject;

interface Review {
  apiVersion: string;
  request: { uid: string; desiredAPIVersion: string; objects: KubeObject[] };
}

/** A webhook that answers each review with `answer(review)` and remembers what it was sent. */
function fakeWebhook(answer: (r: Review) => unknown = convertAll): ReviewTransport & { reviews: Review[] } {
  const reviews: Review[] = [];
  return {
    reviews,
    post: async (review) => {
      reviews.push(review as Review);
      return answer(review as Review);
    },
  };
}

function convertAll(r: Review): unknown {
  return {
    apiVersion: r.apiVersion,
    kind: 'ConversionReview',
    response: { uid: r.request.uid, result: { status: 'Success' }, convertedObjects: r.request.objects.map((o) => ({ ...o, apiVersion: r.request.desiredAPIVersion })) },
  };
}

describe('convertByWebhook', () => {
  it('sends a batch in ONE review, skipping objects already in the desired version, and puts answers back in place', async () => {
    const hook = fakeWebhook();
    const objs = [widget('a', 'v1'), widget('b', 'v2'), widget('c', 'v1')];
    const out = await convertByWebhook(hook, ['v1'], objs, 'example.com/v2');
    assert.equal(hook.reviews.length, 1);
    assert.deepEqual(
      hook.reviews[0]!.request.objects.map((o) => o.metadata?.name),
      ['a', 'c'],
    );
    assert.deepEqual(
      out.map((o) => [o.metadata?.name, o.apiVersion]),
      [
        ['a', 'example.com/v2'],
        ['b', 'example.com/v2'],
        ['c', 'example.com/v2'],
      ],
    );
    assert.equal(objs[0]!.apiVersion, 'example.com/v1', 'the input is not changed');
  });

  it('makes no call when nothing needs converting', async () => {
    const hook = fakeWebhook();
    await convertByWebhook(hook, ['v1'], [widget('a', 'v2')], 'example.com/v2');
    await convertByWebhook(hook, ['v1'], [], 'example.com/v2');
    assert.equal(hook.reviews.length, 0);
  });

  it('uses v1beta1 when the CRD lists it first', async () => {
    const hook = fakeWebhook();
    await convertByWebhook(hook, ['v1beta1', 'v1'], [widget('a', 'v1')], 'example.com/v2');
    assert.equal(hook.reviews[0]!.apiVersion, 'apiextensions.k8s.io/v1beta1');
  });

  const failsWith = async (p: Promise<unknown>, text: string) =>
    assert.rejects(p, (err: unknown) => {
      assert.ok(err instanceof ConversionFailedError, String(err));
      assert.equal(err.message, text);
      return true;
    });

  it("words failures as kube's converter", async () => {
    await failsWith(
      convertByWebhook(fakeWebhook(() => Promise.reject(new Error('dial tcp 127.0.0.1:1: connect: connection refused'))), ['v1'], [widget('a', 'v1')], 'example.com/v2'),
      'conversion webhook for example.com/v1, Kind=Widget failed: dial tcp 127.0.0.1:1: connect: connection refused',
    );
    // The uid is random: matched by pattern.
    await assert.rejects(
      convertByWebhook(fakeWebhook((r) => ({ ...(convertAll(r) as object), response: { uid: 'wrong', result: { status: 'Success' } } })), ['v1'], [widget('a', 'v1')], 'example.com/v2'),
      /^ConversionFailedError: conversion webhook for example.com\/v1, Kind=Widget failed: expected response.uid="[0-9a-f-]{36}", got "wrong"$/,
    );
    await failsWith(
      convertByWebhook(
        fakeWebhook((r) => {
          const a = convertAll(r) as { response: { convertedObjects: unknown[] } };
          a.response.convertedObjects.pop();
          return a;
        }),
        ['v1'],
        [widget('a', 'v1'), widget('b', 'v1')],
        'example.com/v2',
      ),
      'conversion webhook for example.com/v1, Kind=Widget returned 1 objects, expected 2',
    );
    await failsWith(convertByWebhook(fakeWebhook(), ['v9'], [widget('a', 'v1')], 'example.com/v2'), 'no supported conversion review versions');
  });
});

const crd = (extra: Partial<CustomResourceDefinition['spec']> = {}): CustomResourceDefinition => ({
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [
      { name: 'v1alpha1', served: true, storage: false, deprecated: true },
      { name: 'v1beta1', served: true, storage: false },
      { name: 'v1', served: true, storage: true },
      { name: 'v2alpha1', served: true, storage: false },
    ],
    ...extra,
  },
});

describe('newConverter', () => {
  it('strategy None rewrites apiVersion only', async () => {
    const out = await newConverter(crd()).convert([widget('a', 'v1'), widget('b', 'v1beta1')], 'v1alpha1');
    assert.deepEqual(
      out.map((o) => o.apiVersion),
      ['example.com/v1alpha1', 'example.com/v1alpha1'],
    );
  });

  it('refuses objects in a version the CRD does not list, with a 500 and no reason', async () => {
    const refused = (p: Promise<unknown>, text: string) =>
      assert.rejects(p, (err: unknown) => {
        assert.ok(err instanceof StatusError);
        assert.equal(err.code, 500);
        assert.equal(err.reason, '');
        assert.equal(err.message, text);
        return true;
      });
    await refused(newConverter(crd()).convert([widget('a', 'v0')], 'v1'), 'request to convert CR from an invalid group/version: example.com/v0');
    await refused(newConverter(crd()).convert([widget('a', 'v1'), widget('b', 'v0')], 'v1'), 'request to convert CR list failed, list index 1 has invalid group/version: example.com/v0');
  });
});

describe('deprecation warnings', () => {
  it("kube's default names the most preferred served, not deprecated version above it", () => {
    assert.equal(defaultDeprecationWarning(crd(), 'v1alpha1'), 'example.com/v1alpha1 Widget is deprecated; use example.com/v1 Widget');
    const onlyLower = crd({ versions: [{ name: 'v1', served: true, storage: true, deprecated: true }, { name: 'v1beta1', served: true, storage: false }] });
    assert.equal(defaultDeprecationWarning(onlyLower, 'v1'), 'example.com/v1 Widget is deprecated');
  });

  it('deprecationWarning replaces the default; a version not deprecated has none', () => {
    const c = crd();
    c.spec.versions[0]!.deprecationWarning = 'use v1, really';
    assert.deepEqual(deprecationWarnings(c, 'v1alpha1'), ['use v1, really']);
    assert.deepEqual(deprecationWarnings(c, 'v1'), []);
  });
});
