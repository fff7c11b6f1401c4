import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { kubectl } from '../../helpers/kubectl.js';
import { makeTempDir } from '../../helpers/tmp.js';

/**
 * Runs real kubectl 1.32 against a minimal fake API server on 127.0.0.1 (plain http)
 * that answers version and legacy discovery and records every write: how kubectl
 * itself encodes the objects its `create` generators send.
 */

export interface CapturedRequest {
  method: string;
  path: string;
  contentType: string;
  body: Buffer;
}

const RESOURCES: Record<string, { name: string; singularName: string; namespaced: boolean; kind: string }[]> = {
  '/api/v1': [
    { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod' },
    { name: 'configmaps', singularName: 'configmap', namespaced: true, kind: 'ConfigMap' },
    { name: 'secrets', singularName: 'secret', namespaced: true, kind: 'Secret' },
    { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace' },
    { name: 'services', singularName: 'service', namespaced: true, kind: 'Service' },
    { name: 'serviceaccounts', singularName: 'serviceaccount', namespaced: true, kind: 'ServiceAccount' },
    { name: 'resourcequotas', singularName: 'resourcequota', namespaced: true, kind: 'ResourceQuota' },
  ],
  '/apis/apps/v1': [{ name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment' }],
  '/apis/batch/v1': [
    { name: 'jobs', singularName: 'job', namespaced: true, kind: 'Job' },
    { name: 'cronjobs', singularName: 'cronjob', namespaced: true, kind: 'CronJob' },
  ],
  '/apis/policy/v1': [{ name: 'poddisruptionbudgets', singularName: 'poddisruptionbudget', namespaced: true, kind: 'PodDisruptionBudget' }],
  '/apis/networking.k8s.io/v1': [{ name: 'ingresses', singularName: 'ingress', namespaced: true, kind: 'Ingress' }],
  '/apis/scheduling.k8s.io/v1': [{ name: 'priorityclasses', singularName: 'priorityclass', namespaced: false, kind: 'PriorityClass' }],
  '/apis/rbac.authorization.k8s.io/v1': [
    { name: 'roles', singularName: 'role', namespaced: true, kind: 'Role' },
    { name: 'rolebindings', singularName: 'rolebinding', namespaced: true, kind: 'RoleBinding' },
    { name: 'clusterroles', singularName: 'clusterrole', namespaced: false, kind: 'ClusterRole' },
    { name: 'clusterrolebindings', singularName: 'clusterrolebinding', namespaced: false, kind: 'ClusterRoleBinding' },
  ],
  '/apis/authorization.k8s.io/v1': [
    { name: 'selfsubjectaccessreviews', singularName: 'selfsubjectaccessreview', namespaced: false, kind: 'SelfSubjectAccessReview' },
  ],
};

const groupOf = (path: string): { name: string; version: string } | undefined => {
  const m = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
  return m ? { name: m[1]!, version: m[2]! } : undefined;
};

function discovery(path: string): unknown {
  if (path === '/version') return { major: '1', minor: '32', gitVersion: 'v1.32.0', platform: 'linux/amd64' };
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
  if (path === '/apis') {
    const groups = Object.keys(RESOURCES).flatMap((p) => {
      const g = groupOf(p);
      if (!g) return [];
      const gv = { groupVersion: `${g.name}/${g.version}`, version: g.version };
      return [{ name: g.name, versions: [gv], preferredVersion: gv }];
    });
    return { kind: 'APIGroupList', apiVersion: 'v1', groups };
  }
  const resources = RESOURCES[path];
  if (!resources) return undefined;
  const groupVersion = path === '/api/v1' ? 'v1' : path.slice('/apis/'.length);
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: resources.map((r) => ({ ...r, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] })),
  };
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': bytes.length });
  res.end(bytes);
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export interface KubectlRun {
  /** The writes (non-GET requests) the command made. */
  writes: CapturedRequest[];
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs each kubectl command line in turn; returns what each one wrote and printed. */
export async function captureKubectlWrites(commands: string[][]): Promise<KubectlRun[]> {
  let current: CapturedRequest[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const body = await readAll(req);
      if (req.method === 'GET') {
        const doc = discovery(path.replace(/\/$/, ''));
        if (doc === undefined) return send(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
        return send(res, 200, doc);
      }
      current.push({ method: req.method ?? '', path, contentType: String(req.headers['content-type'] ?? ''), body });
      // kubectl only prints the answer's name and kind, and an access review's status.
      const name = path.split('/').pop() ?? 'x';
      if (path.endsWith('selfsubjectaccessreviews')) {
        return send(res, 201, { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', status: { allowed: true } });
      }
      return send(res, 201, { apiVersion: 'v1', kind: 'Status', metadata: { name }, status: 'Success' });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const dir = await makeTempDir('frontdoor-kubectl-capture-');
  try {
    const kubeconfig = join(dir.path, 'kubeconfig');
    await writeFile(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: fake, cluster: {server: "http://127.0.0.1:' + port + '"}}]',
        'users: [{name: nobody, user: {}}]',
        'contexts: [{name: fake, context: {cluster: fake, user: nobody, namespace: default}}]',
        'current-context: fake',
        '',
      ].join('\n'),
    );
    const results: KubectlRun[] = [];
    for (const args of commands) {
      current = [];
      const r = await kubectl(kubeconfig, ['--cache-dir', join(dir.path, 'cache'), ...args], { timeoutMs: 30_000 });
      results.push({ writes: current, ...r });
    }
    return results;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await dir.remove();
  }
}
