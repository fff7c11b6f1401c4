import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Express } from 'express';
import { OpenAPIService } from '../../../src/endpoints/openapi/service.js';
import { kubectl } from '../../helpers/kubectl.js';
import { makeTempDir, type TempDir } from '../../helpers/tmp.js';
import { BUILTIN_RESOURCES } from './fixtures.js';
import { serve, type Running } from './serve.js';

/**
 * Legacy discovery for the resources under test; kubectl 1.32 asks for
 * aggregated discovery first and takes a plain application/json answer.
 */
function mountDiscovery(app: Express, seen: string[]): void {
  const resource = (name: string, kind: string, namespaced: boolean) => ({
    name, singularName: kind.toLowerCase(), namespaced, kind,
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  });
  app.use((req, _res, next) => {
    seen.push(`${req.method} ${req.path}`);
    next();
  });
  app.get('/api', (_req, res) => {
    res.json({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] });
  });
  app.get('/api/v1', (_req, res) => {
    res.json({
      kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'v1',
      resources: [resource('configmaps', 'ConfigMap', true), resource('pods', 'Pod', true), resource('namespaces', 'Namespace', false)],
    });
  });
  app.get('/apis', (_req, res) => {
    const apps = { groupVersion: 'apps/v1', version: 'v1' };
    const [hpa2, hpa1] = [{ groupVersion: 'autoscaling/v2', version: 'v2' }, { groupVersion: 'autoscaling/v1', version: 'v1' }];
    res.json({
      kind: 'APIGroupList', apiVersion: 'v1',
      groups: [{ name: 'apps', versions: [apps], preferredVersion: apps }, { name: 'autoscaling', versions: [hpa2, hpa1], preferredVersion: hpa2 }],
    });
  });
  app.get('/apis/apps/v1', (_req, res) => {
    res.json({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'apps/v1', resources: [resource('deployments', 'Deployment', true)] });
  });
  for (const version of ['v1', 'v2']) {
    app.get(`/apis/autoscaling/${version}`, (_req, res) => {
      const hpa = { ...resource('horizontalpodautoscalers', 'HorizontalPodAutoscaler', true), singularName: 'horizontalpodautoscaler', shortNames: ['hpa'] };
      res.json({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `autoscaling/${version}`, resources: [hpa] });
    });
  }
}

describe('kubectl 1.32 explain against /openapi/v3', () => {
  let server: Running;
  let dir: TempDir;
  let kubeconfig: string;
  const seen: string[] = [];

  before(async () => {
    const service = new OpenAPIService();
    service.setResources(BUILTIN_RESOURCES);
    server = await serve(service, (app) => mountDiscovery(app, seen));
    dir = await makeTempDir('frontdoor-openapi-');
    kubeconfig = join(dir.path, 'kubeconfig');
    await writeFile(
      kubeconfig,
      [
        'apiVersion: v1', 'kind: Config', 'clusters:', '- name: local', '  cluster:', `    server: ${server.base}`,
        'contexts:', '- name: local', '  context:', '    cluster: local', '    user: nobody', 'current-context: local',
        'users:', '- name: nobody', '  user: {}', '',
      ].join('\n'),
    );
  });
  after(async () => {
    await server.close();
    await dir.remove();
  });

  // A fresh cache folder per call, so that each run reads this server's documents.
  const run = (args: string[]) => kubectl(kubeconfig, ['--cache-dir', join(dir.path, `cache-${seen.length}`), ...args]);

  it('explains configmap.data from the v3 schema', async () => {
    const out = await run(['explain', 'configmap.data']);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /KIND:\s+ConfigMap/);
    assert.match(out.stdout, /FIELD: data <map\[string\]string>/);
    assert.match(out.stdout, /Data contains the configuration data/);
    assert.ok(seen.some((s) => s.startsWith('GET /openapi/v3/api/v1')), 'read the api/v1 document');
  });

  it('explains deployment.spec.template recursively, down to containers', async () => {
    const out = await run(['explain', 'deployment.spec.template', '--recursive']);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /GROUP:\s+apps/);
    assert.match(out.stdout, /FIELD: template <PodTemplateSpec>/);
    assert.match(out.stdout, /PodTemplateSpec describes the data a pod should have/);
    assert.match(out.stdout, /^ {2}spec\t<PodSpec>/m);
    assert.match(out.stdout, /^ {4}containers\t<\[\]Container> -required-/m);
    assert.match(out.stdout, /^ {6}image\t<string>/m);
    assert.match(out.stdout, /^ {6}ports\t<\[\]ContainerPort>/m);
    assert.ok(seen.some((s) => s.startsWith('GET /openapi/v3/apis/apps/v1')), 'read the apps/v1 document');
  });

  it('explains a kind\'s top-level fields, metadata and spec included, with a description each', async () => {
    const out = await run(['explain', 'deployment']);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /Deployment enables declarative updates/);
    assert.match(out.stdout, /spec\t<DeploymentSpec>\n\s+The desired state of the Deployment/);
    assert.doesNotMatch(out.stdout, /<no description>/);
  });

  it('explains a nested field of the pod spec with its own description', async () => {
    const out = await run(['explain', 'pods.spec.containers.env']);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /FIELD: env <\[\]EnvVar>/);
    assert.match(out.stdout, /valueFrom\t<EnvVarSource>/);
  });

  it('explains HorizontalPodAutoscaler from each autoscaling version\'s own document', async () => {
    const v2 = await run(['explain', 'hpa.spec']);
    assert.equal(v2.code, 0, v2.stderr);
    assert.match(v2.stdout, /VERSION:\s+v2/);
    assert.match(v2.stdout, /metrics\t<\[\]MetricSpec>/);
    assert.doesNotMatch(v2.stdout, /targetCPUUtilizationPercentage/);
    const v1 = await run(['explain', 'hpa.spec', '--api-version=autoscaling/v1']);
    assert.equal(v1.code, 0, v1.stderr);
    assert.match(v1.stdout, /VERSION:\s+v1/);
    assert.match(v1.stdout, /targetCPUUtilizationPercentage\t<integer>/);
    assert.doesNotMatch(v1.stdout, /metrics\t/);
    assert.ok(seen.some((s) => s.startsWith('GET /openapi/v3/apis/autoscaling/v1')), 'read the autoscaling/v1 document');
  });

  it('validates create -f on the server: it finds fieldValidation in v3 and never falls back to /openapi/v2', async () => {
    const manifest = join(dir.path, 'cm.yaml');
    await writeFile(manifest, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n');
    const out = await run(['create', '-f', manifest, '--dry-run=client', '--validate=strict', '-o', 'name']);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout.trim(), 'configmap/x');
    assert.equal(seen.some((s) => s.startsWith('GET /openapi/v2')), false);
  });
});
