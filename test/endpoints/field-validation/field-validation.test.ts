import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isStatusError, type StatusError } from '../../../src/apimachinery/status-error.js';
import {
  applyFieldValidation,
  checkTypes,
  findUnknownAndDuplicateFields,
  schemaForKind,
  strictWarnings,
  type KindSchema,
} from '../../../src/endpoints/field-validation/index.js';

const deploymentSchema = (): KindSchema => {
  const s = schemaForKind('apps/v1', 'Deployment');
  assert.ok(s);
  return s;
};
const DEPLOYMENT = { kind: 'Deployment', version: 'v1' };

const json = (text: string) => ({ text, mediaType: 'application/json' as const });
const yaml = (text: string) => ({ text, mediaType: 'application/yaml' as const });
const findJSON = (text: string, schema: KindSchema | null = deploymentSchema()) =>
  findUnknownAndDuplicateFields(json(text), JSON.parse(text), schema ?? undefined);

function deployment(extra: { spec?: Record<string, unknown>; container?: Record<string, unknown>; metadata?: Record<string, unknown> } = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' }, ...extra.metadata },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      ...extra.spec,
      template: extra.spec?.template ?? {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'c', image: 'nginx', ...extra.container }] },
      },
    },
  };
}

function thrown(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    assert.ok(isStatusError(err), `not a StatusError: ${String(err)}`);
    return err;
  }
  assert.fail('expected a StatusError');
}

describe('schemaForKind', () => {
  it('finds built-in kinds by apiVersion and kind, and nothing for custom ones', () => {
    assert.equal(schemaForKind('apps/v1', 'Deployment')?.definition, 'io.k8s.api.apps.v1.Deployment');
    assert.equal(schemaForKind('v1', 'ConfigMap')?.definition, 'io.k8s.api.core.v1.ConfigMap');
    assert.equal(schemaForKind('rbac.authorization.k8s.io/v1', 'Role')?.definition, 'io.k8s.api.rbac.v1.Role');
    assert.equal(schemaForKind('example.com/v1', 'Widget'), undefined);
    assert.equal(schemaForKind('apps/v1', 'Nope'), undefined);
  });
});

describe('unknown fields', () => {
  it('a valid object has none', () => {
    const f = findJSON(JSON.stringify(deployment()));
    assert.deepEqual(f, { unknown: [], duplicates: [], errors: [] });
  });

  it('reports paths as kube prints them, in the order of the text', () => {
    const text = JSON.stringify(deployment({ spec: { replicass: 3 }, container: { imagee: 'x' } }));
    const f = findJSON(text);
    assert.deepEqual(f.unknown, ['spec.replicass', 'spec.template.spec.containers[0].imagee']);
    assert.deepEqual(f.errors, ['unknown field "spec.replicass"', 'unknown field "spec.template.spec.containers[0].imagee"']);
  });

  it('checks metadata (ObjectMeta) too; apiVersion and kind are known', () => {
    const f = findJSON(JSON.stringify(deployment({ metadata: { labelz: { a: 'b' } } })));
    assert.deepEqual(f.unknown, ['metadata.labelz']);
  });

  it('treats maps as open: any label, annotation or data key', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: { 'x/y': 'z' } }, data: { anything: 'v', 'a.b': 'c' } };
    assert.deepEqual(findJSON(JSON.stringify(cm), schemaForKind('v1', 'ConfigMap') ?? null).errors, []);
  });

  it('is case-sensitive, as kube decodes', () => {
    const f = findJSON(JSON.stringify(deployment({ spec: { Replicas: 1 } })));
    assert.deepEqual(f.unknown, ['spec.Replicas']);
  });

  it('does not look inside an unknown field, nor inside a type that decodes itself', () => {
    const text = '{"kind":"Deployment","spec":{"bogus":{"a":1,"a":2}},"metadata":{"managedFields":[{"fieldsV1":{"f:x":{},"f:x":{}}}]}}';
    const f = findJSON(text);
    assert.deepEqual(f.errors, ['unknown field "spec.bogus"']);
  });

  it('reports each unknown path once', () => {
    const f = findJSON('{"spec":{"x":1,"x":2}}');
    assert.deepEqual(f.errors, ['unknown field "spec.x"']);
  });

  it('finds nothing unknown in a kind without a schema, but still duplicates', () => {
    const f = findJSON('{"apiVersion":"example.com/v1","kind":"Widget","spec":{"whatever":1,"whatever":2}}', null);
    assert.deepEqual(f.errors, ['duplicate field "spec.whatever"']);
  });
});

describe('duplicate fields in JSON', () => {
  it('reports struct fields and map keys given twice, with their paths, in text order', () => {
    const text = '{"kind":"Deployment","metadata":{"name":"a","labels":{"x":"1","x":"2"},"name":"b"},"spec":{"replicas":1,"replicas":2}}';
    const f = findJSON(text);
    assert.deepEqual(f.duplicates, ['metadata.labels.x', 'metadata.name', 'spec.replicas']);
    assert.deepEqual(f.errors, ['duplicate field "metadata.labels.x"', 'duplicate field "metadata.name"', 'duplicate field "spec.replicas"']);
  });

  it('interleaves unknown and duplicate findings as the decoder meets them', () => {
    const text = '{"spec":{"replicas":1,"zzz":1,"replicas":2},"kind":"Deployment","kind":"Deployment"}';
    assert.deepEqual(findJSON(text).errors, ['unknown field "spec.zzz"', 'duplicate field "spec.replicas"', 'duplicate field "kind"']);
  });

  it('sees duplicates inside list items', () => {
    const text = '{"spec":{"template":{"spec":{"containers":[{"name":"a"},{"name":"b","name":"c"}]}}}}';
    assert.deepEqual(findJSON(text).errors, ['duplicate field "spec.template.spec.containers[1].name"']);
  });

  it('keeps string escapes apart from keys (a \\" in a key is not its end)', () => {
    const text = '{"metadata":{"labels":{"a\\"b":"1","a\\"b":"2","a":"3"}}}';
    assert.deepEqual(findJSON(text).errors, ['duplicate field "metadata.labels.a\\"b"']);
  });
});

describe('duplicate fields in YAML', () => {
  const body = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    'spec:',
    '  replicas: 1',
    '  replicas: 2',
    '  selector:',
    '    matchLabels: {app: web}',
    '  zeta: 1',
    '  alpha: 2',
    '',
  ].join('\n');
  const obj = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, zeta: 1, alpha: 2 } };

  it('uses go-yaml\'s text for duplicates, first, then unknown fields in sorted key order', () => {
    const f = findUnknownAndDuplicateFields(yaml(body), obj, deploymentSchema());
    assert.deepEqual(f.duplicates, ['spec.replicas']);
    assert.deepEqual(f.unknown, ['spec.alpha', 'spec.zeta']);
    assert.deepEqual(f.errors, [
      'yaml: unmarshal errors:\n  line 7: key "replicas" already set in map',
      'unknown field "spec.alpha"',
      'unknown field "spec.zeta"',
    ]);
  });

  it('lists every duplicate in one go-yaml error, inner mappings first; warnings split it by line', () => {
    const text = 'a:\n  x: 1\n  x: 2\nb: 1\nb:\n  y: 1\n  y: 2\n';
    const f = findUnknownAndDuplicateFields(yaml(text), {}, undefined);
    assert.deepEqual(f.errors, ['yaml: unmarshal errors:\n  line 3: key "x" already set in map\n  line 7: key "y" already set in map\n  line 6: key "b" already set in map']);
    assert.deepEqual(strictWarnings(f.errors), ['line 3: key "x" already set in map', 'line 7: key "y" already set in map', 'line 6: key "b" already set in map']);
  });
});

describe('applyFieldValidation', () => {
  const text = JSON.stringify(deployment({ spec: { replicass: 3 }, container: { imagee: 'x' } }));

  it('Strict: 400 BadRequest with kube\'s message', () => {
    const err = thrown(() => applyFieldValidation('Strict', findJSON(text), DEPLOYMENT));
    assert.equal(err.code, 400);
    assert.equal(err.reason, 'BadRequest');
    assert.equal(
      err.status.message,
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replicass", unknown field "spec.template.spec.containers[0].imagee"',
    );
  });

  it('Strict with a duplicate', () => {
    const err = thrown(() => applyFieldValidation('Strict', findJSON('{"kind":"Deployment","kind":"Deployment"}'), DEPLOYMENT));
    assert.equal(err.status.message, 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: duplicate field "kind"');
  });

  it('Warn: one warning per finding', () => {
    assert.deepEqual(applyFieldValidation('Warn', findJSON(text), DEPLOYMENT).warnings, [
      'unknown field "spec.replicass"',
      'unknown field "spec.template.spec.containers[0].imagee"',
    ]);
  });

  it('Ignore: nothing, and nothing found is nothing in every mode', () => {
    assert.deepEqual(applyFieldValidation('Ignore', findJSON(text), DEPLOYMENT).warnings, []);
    const clean = findJSON(JSON.stringify(deployment()));
    for (const mode of ['Ignore', 'Warn', 'Strict'] as const) assert.deepEqual(applyFieldValidation(mode, clean, DEPLOYMENT).warnings, []);
  });
});

describe('checkTypes (kube\'s decode errors, 400 in every mode)', () => {
  const check = (obj: unknown, kind = 'Deployment', apiVersion = 'apps/v1') =>
    checkTypes(obj, schemaForKind(apiVersion, kind), { kind, version: 'v1' })?.status.message;
  const prefix = 'Deployment in version "v1" cannot be handled as a Deployment: ';

  it('accepts a valid object', () => {
    assert.equal(check(deployment()), undefined);
  });

  it('a string where an integer goes', () => {
    const err = checkTypes(deployment({ spec: { replicas: '3' } }), deploymentSchema(), DEPLOYMENT);
    assert.equal(err?.code, 400);
    assert.equal(err?.reason, 'BadRequest');
    assert.equal(err?.status.message, `${prefix}json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32`);
  });

  it('names the innermost struct and the field names from the root, without indexes', () => {
    assert.equal(
      check(deployment({ container: { image: 5 } })),
      `${prefix}json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.image of type string`,
    );
  });

  it('numbers that are not integers, or overflow, carry their literal', () => {
    assert.equal(check(deployment({ spec: { replicas: 1.5 } })), `${prefix}json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32`);
    const text = JSON.stringify(deployment()).replace('"replicas":2', '"replicas":3000000000');
    const err = checkTypes(JSON.parse(text), deploymentSchema(), DEPLOYMENT, json(text));
    assert.equal(err?.status.message, `${prefix}json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32`);
  });

  it('objects, lists and booleans in the wrong place', () => {
    assert.equal(check(deployment({ spec: { template: { spec: { containers: { name: 'c' } } } } })), `${prefix}json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container`);
    assert.equal(check({ kind: 'Deployment', spec: [] }), `${prefix}json: cannot unmarshal array into Go struct field Deployment.spec of type v1.DeploymentSpec`);
    assert.equal(check({ kind: 'Deployment', metadata: { labels: { a: true } } }), `${prefix}json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string`);
    assert.equal(check({ kind: 5 }), `${prefix}json: cannot unmarshal number into Go struct field Deployment.kind of type string`);
  });

  it('null is never a type error', () => {
    assert.equal(check({ kind: 'Deployment', metadata: null, spec: { replicas: null, template: { spec: { containers: null } } } }), undefined);
  });

  it('reports the first error of the text (JSON) and of the sorted keys (YAML-decoded objects)', () => {
    const text = '{"spec":{"replicas":"x"},"metadata":{"name":5}}';
    assert.match(checkTypes(JSON.parse(text), deploymentSchema(), DEPLOYMENT, json(text))!.status.message!, /DeploymentSpec\.spec\.replicas/);
    assert.match(checkTypes(JSON.parse(text), deploymentSchema(), DEPLOYMENT)!.status.message!, /ObjectMeta\.metadata\.name/);
  });

  it('self-decoding types: Time, IntOrString, Quantity', () => {
    assert.equal(
      check({ kind: 'Deployment', metadata: { creationTimestamp: 'yesterday' } }),
      `${prefix}parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"`,
    );
    assert.equal(check({ kind: 'Deployment', metadata: { creationTimestamp: '2024-01-02T15:04:05Z' } }), undefined);
    assert.equal(check({ kind: 'Deployment', metadata: { creationTimestamp: 7 } }), `${prefix}json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string`);
    const svc = (targetPort: unknown) => ({ kind: 'Service', spec: { ports: [{ port: 80, targetPort }] } });
    const svcPrefix = 'Service in version "v1" cannot be handled as a Service: ';
    assert.equal(check(svc('http'), 'Service', 'v1'), undefined);
    assert.equal(check(svc(8080), 'Service', 'v1'), undefined);
    assert.equal(check(svc(true), 'Service', 'v1'), `${svcPrefix}json: cannot unmarshal bool into Go struct field ServicePort.spec.ports.targetPort of type int32`);
    const pod = (limits: unknown) => ({ kind: 'Pod', spec: { containers: [{ name: 'c', resources: { limits } }] } });
    const podPrefix = 'Pod in version "v1" cannot be handled as a Pod: ';
    assert.equal(check(pod({ cpu: '500m', memory: 1024 }), 'Pod', 'v1'), undefined);
    assert.equal(check(pod({ memory: '1Gb' }), 'Pod', 'v1'), `${podPrefix}quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
    assert.equal(check(pod({ memory: '1K' }), 'Pod', 'v1'), `${podPrefix}unable to parse quantity's suffix`);
  });

  it('a kind with no schema is not checked', () => {
    assert.equal(checkTypes({ spec: { replicas: 'x' } }, undefined, { kind: 'Widget', version: 'v1' }), undefined);
  });
});
