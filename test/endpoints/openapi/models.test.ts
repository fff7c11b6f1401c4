import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { kubeName, OUTPUT, renderModule } from '../../../scripts/gen-openapi-models.js';
import { ATOMIC_STRUCTS, FIELD_EXTENSIONS, FIELD_TYPES, KIND_DEFINITIONS, PRIMITIVES } from '../../../src/endpoints/openapi/extensions.js';
import { k8sModels, MODEL_SOURCE } from '../../../src/endpoints/openapi/generated/k8s-models.js';
import { isRef, type ModelType } from '../../../src/endpoints/openapi/model.js';
import { DefinitionCatalog } from '../../../src/endpoints/openapi/schema.js';

const exists = (name: string) => name in k8sModels || name in PRIMITIVES;

describe('generated models', () => {
  it('are current with the installed @kubernetes/client-node (else run scripts/gen-openapi-models.ts)', async () => {
    assert.equal(MODEL_SOURCE.package, '@kubernetes/client-node');
    assert.equal(readFileSync(OUTPUT, 'utf8'), await renderModule());
  });

  it('name models as kube names its definitions', () => {
    assert.equal(kubeName('V1PodSpec'), 'io.k8s.api.core.v1.PodSpec');
    assert.equal(kubeName('CoreV1Event'), 'io.k8s.api.core.v1.Event');
    assert.equal(kubeName('RbacV1Subject'), 'io.k8s.api.rbac.v1.Subject');
    assert.equal(kubeName('V1ObjectMeta'), 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    assert.equal(kubeName('V1DeploymentSpec'), 'io.k8s.api.apps.v1.DeploymentSpec');
    assert.equal(kubeName('V1LeaseSpec'), 'io.k8s.api.coordination.v1.LeaseSpec');
    assert.equal(kubeName('V1ScaleSpec'), 'io.k8s.api.autoscaling.v1.ScaleSpec');
    // kube-aggregator's types live outside k8s.io/api.
    assert.equal(kubeName('V1APIService'), 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService');
    assert.equal(kubeName('ApiregistrationV1ServiceReference'), 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.ServiceReference');
  });

  it('carry descriptions, formats and required fields from the source', () => {
    const cm = k8sModels['io.k8s.api.core.v1.ConfigMap']!;
    assert.match(cm.description!, /ConfigMap holds configuration data/);
    assert.match(cm.properties.data!.description!, /configuration data/);
    assert.deepEqual(cm.properties.binaryData, { description: cm.properties.binaryData!.description, type: 'object', additionalProperties: { type: 'string', format: 'byte' } });
    assert.deepEqual(k8sModels['io.k8s.api.apps.v1.DeploymentSpec']!.required, ['selector', 'template']);
    const replicas = k8sModels['io.k8s.api.apps.v1.DeploymentSpec']!.properties.replicas!;
    assert.equal('type' in replicas && replicas.type, 'integer');
    assert.equal('format' in replicas && replicas.format, 'int32');
    assert.ok(k8sModels['io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta']!.properties.continue, 'JSON name, not the TS name _continue');
  });

  it('reach every definition they reference', () => {
    const missing: string[] = [];
    const walk = (t: ModelType, from: string) => {
      if (isRef(t)) {
        if (!exists(t.ref)) missing.push(`${from} → ${t.ref}`);
      } else if (t.type === 'array') walk(t.items, from);
      else if (t.type === 'object' && t.additionalProperties) walk(t.additionalProperties, from);
    };
    for (const [name, def] of Object.entries(k8sModels)) for (const [f, p] of Object.entries(def.properties)) walk(p, `${name}.${f}`);
    assert.deepEqual(missing, []);
  });
});

describe('the extensions overlay', () => {
  it('names only definitions and fields that exist', () => {
    for (const [def, fields] of [...Object.entries(FIELD_EXTENSIONS), ...Object.entries(FIELD_TYPES)]) {
      assert.ok(k8sModels[def], def);
      for (const field of Object.keys(fields)) assert.ok(k8sModels[def]!.properties[field], `${def}.${field}`);
    }
    for (const def of ATOMIC_STRUCTS) assert.ok(k8sModels[def], def);
    for (const def of Object.keys(KIND_DEFINITIONS)) assert.ok(k8sModels[def], def);
  });

  it('puts list extensions on lists, and merge keys that are fields of the listed type', () => {
    const catalog = new DefinitionCatalog();
    for (const [def, fields] of Object.entries(FIELD_EXTENSIONS)) {
      for (const [field, ext] of Object.entries(fields)) {
        const prop = k8sModels[def]!.properties[field]!;
        if (ext['x-kubernetes-list-type']) assert.equal('type' in prop && prop.type, 'array', `${def}.${field}`);
        if (ext['x-kubernetes-map-type']) assert.equal('type' in prop && prop.type, 'object', `${def}.${field}`);
        const keys = [...(ext['x-kubernetes-list-map-keys'] ?? []), ...(ext['x-kubernetes-patch-merge-key'] ? [ext['x-kubernetes-patch-merge-key']] : [])];
        if (keys.length === 0) continue;
        assert.ok('type' in prop && prop.type === 'array' && isRef(prop.items), `${def}.${field} lists objects`);
        const item = k8sModels[prop.items.ref]!;
        for (const key of keys) assert.ok(item.properties[key], `${def}.${field}: ${prop.items.ref} has ${key}`);
      }
    }
    assert.ok(catalog.has('io.k8s.api.core.v1.Container'));
  });

  it('replaces only the fields the source flattened (Quantity strings, opaque any)', () => {
    for (const [def, fields] of Object.entries(FIELD_TYPES)) {
      for (const field of Object.keys(fields)) {
        const prop = k8sModels[def]!.properties[field]!;
        const flat = 'type' in prop && (prop.type === 'string' || (prop.type === 'object' && (!prop.additionalProperties || ('type' in prop.additionalProperties && prop.additionalProperties.type === 'string'))));
        assert.ok(flat, `${def}.${field}`);
      }
    }
  });
});
