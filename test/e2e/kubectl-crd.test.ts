import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { kubectl, type KubectlResult, kubectlUntilOk } from '../helpers/kubectl.js';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gizmos.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: gizmos, singular: gizmo, kind: Gizmo, shortNames: [gz], categories: [all]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    additionalPrinterColumns:
    - {name: Size, type: string, jsonPath: .spec.size}
    - {name: Replicas, type: integer, jsonPath: .spec.replicas, priority: 1}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: string, enum: [S, M, L]}
              replicas: {type: integer, default: 1, minimum: 0}
          status:
            type: object
            properties:
              phase: {type: string}
`;

const gizmo = (name: string, spec: string) => `apiVersion: example.com/v1
kind: Gizmo
metadata: {name: ${name}, namespace: default}
spec: ${spec}
`;

/**
 * Issue 11 with kubectl 1.32, as a new user tries it: apply a CRD, then its
 * custom resources; get with printer columns, -o wide, the short name and the
 * category; an invalid object refused with the schema's field paths; status
 * through --subresource; deleting the CRD takes its objects along.
 */
describe('kubectl and CustomResourceDefinitions', () => {
  let fd: Frontdoor;
  let k: (args: string[], stdin?: string) => Promise<KubectlResult>;
  const ok = (r: KubectlResult) => {
    assert.equal(r.code, 0, `kubectl failed: ${r.stderr}`);
    return r.stdout;
  };
  before(async () => {
    fd = await startFrontdoor();
    k = (args, stdin) => kubectl(fd.kubeconfig, args, { stdin });
    await kubectlUntilOk(fd.kubeconfig, ['get', 'ns', 'default']);
  });
  after(async () => {
    await fd.stop();
  });

  it('applies a CRD, then objects of it, defaulted by its schema', async () => {
    assert.match(ok(await k(['apply', '-f', '-'], CRD)), /customresourcedefinition\.apiextensions\.k8s\.io\/gizmos\.example\.com created/);
    assert.match(ok(await k(['apply', '-f', '-'], gizmo('g1', '{size: M}'))), /gizmo\.example\.com\/g1 created/);
    assert.equal(ok(await k(['get', 'gizmo', 'g1', '-o', 'jsonpath={.spec.replicas}'])), '1');
  });

  it('gets with the printer columns, -o wide, the short name and the category', async () => {
    const table = ok(await k(['get', 'gizmos']));
    assert.match(table, /^NAME\s+SIZE\n/);
    assert.match(table, /\ng1\s+M\n/);
    assert.match(ok(await k(['get', 'gz', '-o', 'wide'])), /^NAME\s+SIZE\s+REPLICAS\n/);
    assert.match(ok(await k(['get', 'all'])), /gizmo\.example\.com\/g1/);
    assert.match(ok(await k(['get', 'crd'])), /gizmos\.example\.com/);
  });

  it('refuses an invalid object with the schema’s field paths', async () => {
    const r = await k(['apply', '-f', '-'], gizmo('bad', '{size: XL, replicas: -1}'));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /spec\.size: Unsupported value: "XL"/);
    assert.match(r.stderr, /spec\.replicas: Invalid value: -1: spec\.replicas in body should be greater than or equal to 0/);
  });

  it('patches status through --subresource=status only', async () => {
    ok(await k(['patch', 'gizmo', 'g1', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Ready"},"spec":{"size":"L"}}']));
    assert.equal(ok(await k(['get', 'gizmo', 'g1', '-o', 'jsonpath={.status.phase}/{.spec.size}'])), 'Ready/M');
  });

  it('deleting the CRD deletes its objects and the resource type', async () => {
    ok(await k(['delete', 'crd', 'gizmos.example.com']));
    const after = await kubectlUntilOk(fd.kubeconfig, ['get', 'crd', '-o', 'name']);
    assert.doesNotMatch(after.stdout, /gizmos/);
    const r = await k(['get', 'gizmos']);
    assert.notEqual(r.code, 0);
  });
});
