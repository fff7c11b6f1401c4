import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFrontdoor, repoRoot, type Frontdoor } from '../helpers/frontdoor.js';
import { adminCreds, eventually, request } from '../helpers/https.js';

/**
 * Debian's python3-kubernetes lives in the system interpreter's dist-packages;
 * a `python3` earlier on PATH (pyenv, a venv) may not see it. FRONTDOOR_PYTHON
 * overrides.
 */
const python = process.env.FRONTDOOR_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const script = join(repoRoot, 'test/fixtures/python/dynamic_crd.py');

interface StatusBody {
  kind: string;
  status: string;
  reason?: string;
  message?: string;
  code?: number;
  details?: { name?: string; kind?: string; causes?: { reason: string; field?: string; message: string }[] };
}
interface Failure {
  status: number;
  body: StatusBody;
}
interface Gadget {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string; labels?: Record<string, string>; resourceVersion?: string; generation?: number };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}
/** What dynamic_crd.py prints. */
interface Report {
  serverVersion: string;
  crdCreated: string;
  discovered: { name: string; kind: string; namespaced: boolean; groupVersion: string; verbs: string[]; shortNames: string[]; subresources: string[] };
  allKinds: string[];
  created: Gadget;
  got: Gadget;
  list: { kind: string; names: string[] };
  listSelected: string[];
  replaced: Gadget;
  mergePatched: Gadget;
  jsonPatched: Gadget;
  strategicPatch: Failure | null;
  statusPatched: Gadget;
  invalid: Failure | null;
  deleted: StatusBody | Gadget;
  getDeleted: Failure | null;
  listAfterDelete: string[];
}

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * The Python client's dynamic client (kubernetes 22.6, Debian's
 * python3-kubernetes) against frontdoor: it discovers through /api and /apis,
 * then drives a custom resource with no generated types at all.
 */
describe('Python kubernetes.dynamic and custom resources', { timeout: 180_000 }, () => {
  let fd: Frontdoor;
  let report: Report;
  before(async () => {
    const probe = await run(python, ['-c', 'import kubernetes']);
    assert.equal(probe.code, 0, `${python} cannot import kubernetes (scripts/test.sh installs python3-kubernetes): ${probe.stderr}`);
    fd = await startFrontdoor();
    // The script writes into `default`, which a post-start hook makes.
    const creds = adminCreds(fd.dataDir);
    await eventually(() => request(fd.port, '/api/v1/namespaces/default', creds), (r) => r.status === 200);
    const r = await run(python, [script, fd.kubeconfig, join(fd.dataDir, 'python-discovery-cache.json')]);
    assert.equal(r.code, 0, `dynamic_crd.py failed:\n${r.stderr}`);
    report = JSON.parse(r.stdout) as Report;
  });
  after(async () => {
    await fd?.stop();
  });

  it('discovers the custom kind right after creating its CRD', () => {
    assert.equal(report.crdCreated, 'gadgets.stable.example.org');
    assert.match(report.serverVersion, /^v1\.\d+/);
    assert.deepEqual(report.discovered, {
      name: 'gadgets',
      kind: 'Gadget',
      namespaced: true,
      groupVersion: 'stable.example.org/v1',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['gd'],
      subresources: ['status'],
    });
    // Walking every group version: the built-ins' discovery parses too.
    for (const k of ['ConfigMap', 'Namespace', 'Deployment', 'CustomResourceDefinition', 'Gadget']) assert.ok(report.allKinds.includes(k), k);
  });

  it('creates, defaulted and pruned, then gets and lists', () => {
    assert.equal(report.created.kind, 'Gadget');
    assert.equal(report.created.metadata.namespace, 'default');
    assert.ok(report.created.metadata.uid);
    assert.deepEqual(report.created.spec, { size: 'M', replicas: 1 });
    assert.deepEqual(report.got, report.created);
    assert.deepEqual(report.list, { kind: 'GadgetList', names: ['g1', 'g2'] });
    assert.deepEqual(report.listSelected, ['g1']);
  });

  it('replaces and patches (merge and JSON patch)', () => {
    assert.deepEqual(report.replaced.spec, { size: 'L', replicas: 1 });
    assert.equal(report.replaced.metadata.generation, 2);
    assert.deepEqual(report.mergePatched.spec, { size: 'L', replicas: 4 });
    assert.deepEqual(report.jsonPatched.spec, { size: 'S', replicas: 4 });
  });

  it('refuses the client’s default strategic merge patch with 415, as kube does for custom resources', () => {
    assert.ok(report.strategicPatch, 'a strategic merge patch of a custom resource was accepted');
    assert.equal(report.strategicPatch.status, 415);
    assert.equal(report.strategicPatch.body.reason, 'UnsupportedMediaType');
    assert.match(report.strategicPatch.body.message ?? '', /application\/json-patch\+json, application\/merge-patch\+json/);
  });

  it('patches status through the status subresource only', () => {
    assert.deepEqual(report.statusPatched.status, { phase: 'Ready' });
    assert.deepEqual(report.statusPatched.spec, { size: 'S', replicas: 4 });
  });

  it('refuses a schema violation with 422 and the field paths', () => {
    assert.ok(report.invalid, 'an invalid Gadget was accepted');
    assert.equal(report.invalid.status, 422);
    assert.equal(report.invalid.body.reason, 'Invalid');
    const causes = report.invalid.body.details?.causes ?? [];
    assert.deepEqual(causes.map((c) => c.field).sort(), ['spec.replicas', 'spec.size']);
    assert.equal(causes.find((c) => c.field === 'spec.size')?.reason, 'FieldValueNotSupported');
  });

  it('deletes', () => {
    // A custom resource's DELETE answers with a Success Status naming it.
    assert.equal(report.deleted.kind, 'Status');
    assert.equal((report.deleted as StatusBody).status, 'Success');
    assert.equal((report.deleted as StatusBody).details?.name, 'g2');
    assert.equal(report.getDeleted?.status, 404);
    assert.equal(report.getDeleted?.body.reason, 'NotFound');
    assert.deepEqual(report.listAfterDelete, ['g1']);
  });
});
