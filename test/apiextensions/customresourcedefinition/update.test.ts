import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CustomResourceDefinition } from '../../../src/apiextensions/customresourcedefinition/types.js';
import {
  validateCustomResourceDefinitionStatusUpdate,
  validateCustomResourceDefinitionUpdate,
} from '../../../src/apiextensions/customresourcedefinition/validation.js';
import { cronTabCRD, objectWithSpec, simpleCRD, wideSchema } from './fixtures.js';

const established = (crd: CustomResourceDefinition): CustomResourceDefinition => ({
  ...crd,
  status: { ...crd.status, conditions: [{ type: 'Established', status: 'True' }] },
});
const clone = (crd: CustomResourceDefinition): CustomResourceDefinition => structuredClone(crd);
const update = (next: CustomResourceDefinition, old: CustomResourceDefinition): string[] =>
  validateCustomResourceDefinitionUpdate(next, old).map(String);

describe('validateCustomResourceDefinitionUpdate', () => {
  it('accepts an unchanged CRD and a new served version', () => {
    const old = established(cronTabCRD());
    assert.deepEqual(update(clone(old), old), []);
    const next = clone(old);
    next.spec.versions.push({ name: 'v2', served: true, storage: false, schema: { openAPIV3Schema: objectWithSpec({ type: 'object' }) } });
    assert.deepEqual(update(next, old), []);
  });

  it('spec.group and spec.names.plural are immutable (they make up the name)', () => {
    const old = cronTabCRD();
    const next = clone(old);
    next.spec.group = 'other.example.com';
    next.spec.names.plural = 'crontabz';
    assert.deepEqual(update(next, old), [
      'spec.group: Invalid value: "other.example.com": field is immutable',
      'spec.names.plural: Invalid value: "crontabz": field is immutable',
    ]);
  });

  it('spec.scope and spec.names.kind are immutable once Established', () => {
    const old = established(cronTabCRD());
    const next = clone(old);
    next.spec.scope = 'Cluster';
    next.spec.names.kind = 'CronJob';
    next.spec.names.listKind = 'CronJobList';
    assert.deepEqual(update(next, old), [
      'spec.scope: Invalid value: "Cluster": field is immutable',
      'spec.names.kind: Invalid value: "CronJob": field is immutable',
    ]);
  });

  it('spec.scope may still change before the CRD is Established (kube)', () => {
    const old = cronTabCRD();
    const next = clone(old);
    next.spec.scope = 'Cluster';
    assert.deepEqual(update(next, old), []);
  });

  it('a version in status.storedVersions must stay in spec.versions', () => {
    const old = cronTabCRD();
    old.status = { storedVersions: ['v1beta1', 'v1'] };
    const next = clone(old);
    next.spec.versions = next.spec.versions.filter((v) => v.name !== 'v1beta1');
    assert.deepEqual(update(next, old), [
      'status.storedVersions[0]: Invalid value: "v1beta1": missing from spec.versions; v1beta1 was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in v1beta1 and removes v1beta1 from status.storedVersions',
    ]);
  });

  it('ratchets: a rule the old CRD already broke is not enforced again', () => {
    // A non-structural schema stored before the rule (kube's requireStructuralSchema ratchet).
    const nonStructural = objectWithSpec({ type: 'object', properties: { a: {} } });
    const old = simpleCRD(nonStructural);
    const next = clone(old);
    next.spec.versions[0].deprecated = true;
    // preserveUnknownFields false requires structural schemas regardless: kube forces it on.
    assert.deepEqual(update(next, old), [
      'spec.validation.openAPIV3Schema.properties[spec].properties[a].type: Required value: must not be empty for specified object fields',
    ]);
    // Invalid property types, by contrast, stay accepted when the old CRD had them.
    const badType = simpleCRD(objectWithSpec({ type: 'object', properties: { a: { type: 'strin' } } }));
    const edited = clone(badType);
    edited.spec.names.shortNames = ['w'];
    assert.deepEqual(update(edited, badType), []);
  });

  it('keeps a protected group whose approval state did not change', () => {
    const old = simpleCRD(objectWithSpec({ type: 'object' }), (c) => {
      c.spec.group = 'legacy.k8s.io';
      c.metadata.name = 'widgets.legacy.k8s.io';
    });
    const next = clone(old);
    next.spec.names.shortNames = ['w'];
    assert.deepEqual(update(next, old), []);
    next.metadata.annotations = { 'api-approved.kubernetes.io': 'maybe' };
    assert.equal(update(next, old).length, 1);
  });

  it('keeps preserveUnknownFields: true on a CRD that had it', () => {
    const old = simpleCRD({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, (c) => (c.spec.preserveUnknownFields = true));
    assert.deepEqual(update(clone(old), old), []);
  });

  it('keeps more than 8 unchanged selectable fields', () => {
    const props = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`f${i}`, { type: 'string' as const }]));
    const old = simpleCRD(objectWithSpec({ type: 'object', properties: props }), (c) => {
      c.spec.versions[0].selectableFields = Object.keys(props).map((k) => ({ jsonPath: `.spec.${k}` }));
    });
    const next = clone(old);
    next.spec.names.shortNames = ['w'];
    assert.deepEqual(update(next, old), []);
    assert.deepEqual(update(old, simpleCRD(objectWithSpec({ type: 'object', properties: props }))), [
      'spec.selectableFields: Too many: 10: must have at most 8 items',
    ]);
  });

  it('validates an update of a 10,000-property CRD', () => {
    const old = simpleCRD(wideSchema(10_000));
    assert.deepEqual(update(clone(old), old), []);
  });

  it('the /status update checks acceptedNames only', () => {
    const old = cronTabCRD();
    const next = clone(old);
    next.status = { ...next.status, acceptedNames: { plural: 'Bad', kind: 'CronTab' } };
    assert.equal(validateCustomResourceDefinitionStatusUpdate(next, old).map(String).length, 1);
  });
});

describe('warnings', async () => {
  const { warningsOnCreate, warningsOnUpdate } = await import('../../../src/apiextensions/customresourcedefinition/warnings.js');
  it('names unrecognized formats and sets of objects, once', () => {
    const crd = simpleCRD(
      objectWithSpec({
        type: 'object',
        properties: {
          a: { type: 'string', format: 'date-time' },
          b: { type: 'string', format: 'k8s-name' },
          c: { type: 'integer', format: 'int16' },
          d: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'object', 'x-kubernetes-map-type': 'atomic' } },
        },
      }),
    );
    assert.deepEqual(warningsOnCreate(crd).sort(), [
      'unrecognized format "int16"',
      'unrecognized format "k8s-name"',
      'x-kubernetes-list-type: set for items of type "object" is not supported by server-side apply or CEL validation rules',
    ]);
    assert.deepEqual(warningsOnUpdate(crd, crd), []);
  });
});

/** A self-signed test CA (EC P-256, 100 years): only its parseability matters. */
const TEST_CA = `-----BEGIN CERTIFICATE-----
MIIBgjCCASmgAwIBAgIUbsQTB//REoHr0g0ukclSb6dnzY0wCgYIKoZIzj0EAwIw
FjEUMBIGA1UEAwwLY3JkLXRlc3QtY2EwIBcNMjYxMjA3MTY0MzUxWhgPMjEyNjEx
MTMxNjQzNTFaMBYxFDASBgNVBAMMC2NyZC10ZXN0LWNhMFkwEwYHKoZIzj0CAQYI
KoZIzj0DAQcDQgAE41EBBuR9NBCw8ee5mi9Q6QbrEUmOLe44C0/PP6Es8L2LL+vo
BioekFUFhUeOURpsWqlUYLBSbHZds1VTkxALTaNTMFEwHQYDVR0OBBYEFO53WZ7H
p09EYCbh3AhdRFpoqAK4MB8GA1UdIwQYMBaAFO53WZ7Hp09EYCbh3AhdRFpoqAK4
MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgZ15VFy21fZPZz468
nsOgcbk8sWC41EZhwF1o1wcJT74CIDCApcx+amF2CzPKGAoRrfkWvSk7/Dr1x7zn
FCF5UsWl
-----END CERTIFICATE-----
`;

describe('conversion webhook caBundle', () => {
  const withBundle = (bundle: string): CustomResourceDefinition => {
    const crd = established(cronTabCRD());
    crd.spec.conversion!.webhook!.clientConfig!.caBundle = bundle;
    return crd;
  };
  const good = Buffer.from(TEST_CA).toString('base64');
  const bad = Buffer.from('not a certificate').toString('base64');

  it('a bad bundle is tolerated on create and before Establishment', async () => {
    const { validateCustomResourceDefinition } = await import('../../../src/apiextensions/customresourcedefinition/validation.js');
    assert.deepEqual(validateCustomResourceDefinition(withBundle(bad)).map(String), []);
  });

  it('an Established CRD with a valid bundle may not switch to a bad one', () => {
    assert.deepEqual(update(withBundle(bad), withBundle(good)), [
      'spec.conversion.webhookClientConfig.caBundle: Invalid value: data does not contain any valid RSA or ECDSA certificates',
    ]);
    assert.deepEqual(update(withBundle(good), withBundle(good)), []);
  });

  it('a bundle that was already bad stays editable', () => {
    assert.deepEqual(update(withBundle(bad), withBundle(bad)), []);
  });
});
