import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { adminCreds, eventually, request } from '../helpers/https.js';

/** Debian's python3-kubernetes is in the system interpreter's dist-packages (see python-dynamic-crd.test.ts). */
const python = process.env.FRONTDOOR_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

/**
 * The script, run as `python3 -c SCRIPT KUBECONFIG DISCOVERY_CACHE_FILE`; it
 * prints one JSON document of what it saw. kubernetes 22.6's REST layer sends
 * only JSON-typed bodies as dicts: for application/apply-patch+yaml it wants
 * the body already serialized, so the script passes YAML or JSON text (and
 * the name and namespace, which the dynamic client would otherwise read from
 * a dict body).
 */
const SCRIPT = String.raw`
import json
import sys

from kubernetes import config
from kubernetes.dynamic import DynamicClient
from kubernetes.dynamic.exceptions import DynamicApiError

GROUP = "ssa.python.example.org"
NS = "default"

CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "knobs." + GROUP},
    "spec": {
        "group": GROUP,
        "scope": "Namespaced",
        "names": {"plural": "knobs", "singular": "knob", "kind": "Knob"},
        "versions": [{
            "name": "v1", "served": True, "storage": True,
            "schema": {"openAPIV3Schema": {"type": "object", "properties": {"spec": {"type": "object", "properties": {
                "size": {"type": "string"},
                "turns": {"type": "integer"},
            }}}}},
        }],
    },
}


def failure(call):
    try:
        call()
    except DynamicApiError as e:
        return {"status": e.status, "body": json.loads(e.body) if e.body else None}
    return None


def main(kubeconfig, cache_file):
    out = {}
    dyn = DynamicClient(config.new_client_from_config(config_file=kubeconfig), cache_file=cache_file)
    cms = dyn.resources.get(api_version="v1", kind="ConfigMap")

    created_yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: py-cm\n  namespace: default\ndata:\n  a: '1'\n"
    out["created"] = cms.server_side_apply(body=created_yaml, name="py-cm", namespace=NS, field_manager="py-operator").to_dict()
    updated = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "py-cm", "namespace": NS}, "data": {"a": "2", "b": "3"}}
    out["updated"] = cms.server_side_apply(body=json.dumps(updated), name="py-cm", namespace=NS, field_manager="py-operator").to_dict()
    theirs = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "py-cm", "namespace": NS}, "data": {"b": "theirs"}}
    out["conflict"] = failure(lambda: cms.server_side_apply(body=json.dumps(theirs), name="py-cm", namespace=NS, field_manager="py-other"))
    # force_conflicts=True goes out as force=True: kube reads query booleans with strconv.ParseBool.
    out["forced"] = cms.server_side_apply(body=json.dumps(theirs), name="py-cm", namespace=NS, field_manager="py-other", force_conflicts=True).to_dict()
    out["noManager"] = failure(lambda: cms.server_side_apply(body=json.dumps(theirs), name="py-cm", namespace=NS))

    crds = dyn.resources.get(api_version="apiextensions.k8s.io/v1", kind="CustomResourceDefinition")
    crds.create(body=CRD)
    knobs = dyn.resources.get(api_version=GROUP + "/v1", kind="Knob")
    knob = "apiVersion: " + GROUP + "/v1\nkind: Knob\nmetadata:\n  name: k1\nspec:\n  size: M\n  turns: 3\n"
    # The other spelling: patch() with the apply content type.
    out["crCreated"] = knobs.patch(body=knob, name="k1", namespace=NS, content_type="application/apply-patch+yaml", field_manager="py-operator").to_dict()
    out["crUpdated"] = knobs.server_side_apply(body=knob.replace("turns: 3", "turns: 4"), name="k1", namespace=NS, field_manager="py-operator").to_dict()
    out["crShared"] = knobs.server_side_apply(body=knob.replace("  turns: 3\n", ""), name="k1", namespace=NS, field_manager="py-other").to_dict()
    json.dump(out, sys.stdout)


main(sys.argv[1], sys.argv[2])
`;

interface Entry {
  manager: string;
  operation: string;
  apiVersion: string;
  fieldsType: string;
  fieldsV1: Record<string, unknown>;
}
interface Obj {
  metadata: { name: string; resourceVersion: string; uid: string; managedFields?: Entry[] };
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
}
interface Failure {
  status: number;
  body: { reason?: string; message?: string; details?: { causes?: { reason: string; field?: string; message: string }[] } };
}
interface Report {
  created: Obj;
  updated: Obj;
  conflict: Failure | null;
  forced: Obj;
  noManager: Failure | null;
  crCreated: Obj;
  crUpdated: Obj;
  crShared: Obj;
}

const fieldsOf = (o: Obj, manager: string) => o.metadata.managedFields?.find((e) => e.manager === manager && e.operation === 'Apply')?.fieldsV1;

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Server-side apply from the Python client (kubernetes 22.6, Debian's python3-kubernetes): DynamicClient.server_side_apply and patch(content_type=application/apply-patch+yaml). */
describe('Python kubernetes.dynamic server-side apply', { timeout: 180_000 }, () => {
  let fd: Frontdoor;
  let report: Report;
  before(async () => {
    const probe = await run(python, ['-c', 'import kubernetes']);
    assert.equal(probe.code, 0, `${python} cannot import kubernetes (scripts/test.sh installs python3-kubernetes): ${probe.stderr}`);
    fd = await startFrontdoor();
    const creds = adminCreds(fd.dataDir);
    await eventually(() => request(fd.port, '/api/v1/namespaces/default', creds), (r) => r.status === 200);
    const r = await run(python, ['-c', SCRIPT, fd.kubeconfig, join(fd.dataDir, 'python-discovery-cache.json')]);
    assert.equal(r.code, 0, `the script failed:\n${r.stderr}`);
    report = JSON.parse(r.stdout) as Report;
  });
  after(async () => {
    await fd?.stop();
  });

  it('creates a ConfigMap from a YAML body and updates it from a JSON one', () => {
    assert.deepEqual(report.created.data, { a: '1' });
    assert.deepEqual(fieldsOf(report.created, 'py-operator'), { 'f:data': { 'f:a': {} } });
    assert.deepEqual(report.updated.data, { a: '2', b: '3' });
    assert.equal(report.updated.metadata.uid, report.created.metadata.uid);
    assert.deepEqual(fieldsOf(report.updated, 'py-operator'), { 'f:data': { 'f:a': {}, 'f:b': {} } });
  });

  it('another manager conflicts with kube\'s 409 until force_conflicts', () => {
    assert.ok(report.conflict, 'a conflicting apply was accepted');
    assert.equal(report.conflict.status, 409);
    assert.equal(report.conflict.body.reason, 'Conflict');
    assert.equal(report.conflict.body.message, 'Apply failed with 1 conflict: conflict with "py-operator": .data.b');
    assert.deepEqual(report.conflict.body.details?.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "py-operator"', field: '.data.b' }]);
    assert.deepEqual(report.forced.data, { a: '2', b: 'theirs' });
    assert.deepEqual(fieldsOf(report.forced, 'py-other'), { 'f:data': { 'f:b': {} } });
    assert.deepEqual(fieldsOf(report.forced, 'py-operator'), { 'f:data': { 'f:a': {} } });
  });

  it('refuses an apply without field_manager (kube\'s 422)', () => {
    assert.equal(report.noManager?.status, 422);
    assert.match(report.noManager?.body.message ?? '', /fieldManager: Required value: is required for apply patch/);
  });

  it('applies a custom resource through patch(content_type=...) and server_side_apply; the same value is shared', () => {
    assert.deepEqual(report.crCreated.spec, { size: 'M', turns: 3 });
    assert.deepEqual(fieldsOf(report.crCreated, 'py-operator'), { 'f:spec': { 'f:size': {}, 'f:turns': {} } });
    assert.deepEqual(report.crUpdated.spec, { size: 'M', turns: 4 });
    assert.deepEqual(report.crShared.spec, { size: 'M', turns: 4 });
    assert.deepEqual(fieldsOf(report.crShared, 'py-other'), { 'f:spec': { 'f:size': {} } });
    assert.deepEqual(fieldsOf(report.crShared, 'py-operator'), { 'f:spec': { 'f:size': {}, 'f:turns': {} } });
  });
});
