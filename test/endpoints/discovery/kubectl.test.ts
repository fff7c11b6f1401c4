import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DiscoveryManager } from '../../../src/endpoints/discovery/index.js';
import { kubectl } from '../../helpers/kubectl.js';
import { makeTempDir, type TempDir } from '../../helpers/tmp.js';
import { appsV1, coreV1, discoveryHandler, listen, widgets, type Listening } from './fixtures.js';

/** kubectl's table, split at the header's column starts (empty cells stay empty). */
function parseTable(stdout: string): Record<string, string>[] {
  const [header = '', ...lines] = stdout.split('\n').filter((l) => l.trim() !== '');
  const starts = [...header.matchAll(/\S+/g)].map((m) => ({ name: m[0], at: m.index ?? 0 }));
  return lines.map((line) =>
    Object.fromEntries(starts.map((c, i) => [c.name, line.slice(c.at, starts[i + 1]?.at ?? line.length).trim()])),
  );
}

interface Seen {
  path: string;
  status: number;
  contentType: string;
  ifNoneMatch: boolean;
}

describe('kubectl 1.32 against the discovery handlers', () => {
  const manager = new DiscoveryManager({ serverAddress: () => '127.0.0.1:6443' });
  const seen: Seen[] = [];
  let server: Listening;
  let tmp: TempDir;
  let kubeconfig: string;

  before(async () => {
    manager.setGroupVersion(coreV1());
    manager.setGroupVersion(appsV1());
    const handle = discoveryHandler(manager);
    server = await listen((req, res) => {
      res.on('finish', () =>
        seen.push({
          path: (req.url ?? '').split('?')[0]!,
          status: res.statusCode,
          contentType: String(res.getHeader('content-type') ?? ''),
          ifNoneMatch: req.headers['if-none-match'] !== undefined,
        }),
      );
      handle(req, res);
    });
    tmp = await makeTempDir('frontdoor-discovery-');
    kubeconfig = join(tmp.path, 'kubeconfig');
    await writeFile(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{name: c, cluster: {server: "${server.url}"}}]`,
        'users: [{name: u, user: {}}]',
        'contexts: [{name: x, context: {cluster: c, user: u}}]',
        'current-context: x',
        '',
      ].join('\n'),
    );
  });

  after(async () => {
    await server.close();
    await tmp.remove();
  });

  /** Runs kubectl with its own discovery cache folder; returns stdout, failing on a non-zero exit. */
  async function run(cacheDir: string, ...args: string[]): Promise<string> {
    const r = await kubectl(kubeconfig, ['--cache-dir', join(tmp.path, cacheDir), ...args]);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  }

  it('api-resources lists the rows from aggregated discovery', async () => {
    seen.length = 0;
    const rows = parseTable(await run('fresh-1', 'api-resources'));
    assert.deepEqual(rows, [
      { NAME: 'configmaps', SHORTNAMES: 'cm', APIVERSION: 'v1', NAMESPACED: 'true', KIND: 'ConfigMap' },
      { NAME: 'namespaces', SHORTNAMES: 'ns', APIVERSION: 'v1', NAMESPACED: 'false', KIND: 'Namespace' },
      { NAME: 'deployments', SHORTNAMES: 'deploy', APIVERSION: 'apps/v1', NAMESPACED: 'true', KIND: 'Deployment' },
    ]);
    // kubectl asked for aggregated discovery and needed nothing else.
    assert.deepEqual(
      seen.map((s) => `${s.path} ${s.status} ${s.contentType}`),
      [
        '/api 200 application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
        '/apis 200 application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
      ],
    );
  });

  it('api-resources -o wide shows sorted verbs and the category', async () => {
    const rows = parseTable(await run('fresh-2', 'api-resources', '-o', 'wide'));
    const deploy = rows.find((r) => r.NAME === 'deployments');
    assert.equal(deploy?.VERBS, 'create,delete,deletecollection,get,list,patch,update,watch');
    assert.equal(deploy?.CATEGORIES, 'all');
  });

  it('api-versions lists every group-version', async () => {
    const out = await run('fresh-3', 'api-versions');
    assert.deepEqual(out.trim().split('\n'), ['apps/v1', 'v1']);
  });

  it('a second run revalidates with If-None-Match and gets 304; after a change, 200 and the new rows', async () => {
    await run('shared', 'api-resources');
    seen.length = 0;
    const again = parseTable(await run('shared', 'api-resources'));
    assert.equal(again.length, 3);
    assert.deepEqual(seen.map((s) => `${s.path} ${s.status} ${s.ifNoneMatch}`), ['/api 304 true', '/apis 304 true']);

    manager.removeGroupVersion('apps', 'v1');
    manager.setGroupVersion(widgets('v1'));
    seen.length = 0;
    const changed = parseTable(await run('shared', 'api-resources'));
    assert.deepEqual(seen.map((s) => `${s.path} ${s.status}`), ['/api 304', '/apis 200']);
    assert.deepEqual(
      changed.map((r) => `${r.NAME} ${r.SHORTNAMES} ${r.APIVERSION}`),
      ['configmaps cm v1', 'namespaces ns v1', 'widgets wd example.com/v1'],
    );
    assert.deepEqual((await run('fresh-4', 'api-versions')).trim().split('\n'), ['example.com/v1', 'v1']);
  });
});
