/**
 * kube's API server identity Lease on one frontdoor over SQLite, seen with
 * kubectl: its name, holder, labels and duration, its renewal, and the
 * garbage collector deleting an expired identity Lease (made by hand) when
 * the replica that leads next starts its sweep (kube's first sweep runs at
 * start; the next an hour later).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isValidLabelValue } from '../../src/apimachinery/validation/names.js';
import { microTime } from '../../src/controller/leaderelection/lease-lock.js';
import { startFrontdoor, type Frontdoor, type LogLine } from '../helpers/frontdoor.js';
import { eventually } from '../helpers/https.js';
import { kubectl } from '../helpers/kubectl.js';
import { startedClient, type Client } from './api-helpers.js';

const SELECTOR = 'apiserver.kubernetes.io/identity=kube-apiserver';
const LEASES = '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** Half a second apart for up to two minutes: several renew intervals (10 s). */
const GENEROUS = { tries: 240, intervalMs: 500 };

interface Lease {
  metadata: { name: string; uid: string; labels?: Record<string, string> };
  spec: { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string };
}

async function identityLeases(fd: Frontdoor): Promise<Lease[]> {
  const r = await kubectl(fd.kubeconfig, ['get', 'lease', '-n', 'kube-system', '-l', SELECTOR, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { items: Lease[] }).items;
}

describe('API server identity Leases', () => {
  let dataDir: string;
  let fd: Frontdoor;
  let client: Client;
  let own: Lease;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'frontdoor-identity-'));
    fd = await startFrontdoor({ dataDir });
    client = await startedClient(fd);
  });
  after(async () => {
    await fd?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('kubectl get lease -l apiserver.kubernetes.io/identity=kube-apiserver lists this server\'s Lease', async () => {
    const found = await eventually(() => identityLeases(fd), (items) => items.length > 0, GENEROUS);
    assert.equal(found.length, 1);
    own = found[0]!;
    assert.match(own.metadata.name, /^apiserver-[a-z2-7]{26}$/);
    assert.match(own.spec.holderIdentity ?? '', new RegExp(`^${own.metadata.name}_${UUID}$`));
    assert.equal(own.spec.leaseDurationSeconds, 3600);
    assert.match(own.spec.renewTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.equal(own.metadata.labels?.['apiserver.kubernetes.io/identity'], 'kube-apiserver');
    // kube's convenience label, when the hostname can be a label value.
    assert.equal(own.metadata.labels?.['kubernetes.io/hostname'], isValidLabelValue(hostname()).length === 0 ? hostname() : undefined);
    const logged = await fd.waitForLog((l) => l.message === 'starting apiserver identity lease controller');
    assert.equal(logged.lease, `kube-system/${own.metadata.name}`);
    // The table shows it beside the controllers' Lease, each with its holder.
    const table = await kubectl(fd.kubeconfig, ['get', 'lease', '-n', 'kube-system']);
    assert.equal(table.code, 0, table.stderr);
    const row = table.stdout.split('\n').find((line) => line.startsWith(`${own.metadata.name} `));
    assert.equal(row?.split(/\s+/)[1], own.spec.holderIdentity, table.stdout);
    assert.ok(table.stdout.split('\n').some((line) => line.startsWith('frontdoor-controllers ')), table.stdout);
    // And the post-start hooks report on /readyz.
    const readyz = await client.get('/readyz?verbose');
    assert.match(readyz.body, /^\[\+\]poststarthook\/start-kube-apiserver-identity-lease-controller ok$/m);
    assert.match(readyz.body, /^\[\+\]poststarthook\/start-kube-apiserver-identity-lease-garbage-collector ok$/m);
  });

  it('the Lease is renewed: its renewTime advances, holder unchanged', async () => {
    assert.ok(own, 'the first test found the lease');
    const renewed = await eventually(
      () => client.get(`${LEASES}/${own.metadata.name}`),
      (r) => r.status === 200 && (r.json<Lease>().spec.renewTime ?? '') > own.spec.renewTime!,
      GENEROUS,
    );
    const lease = renewed.json<Lease>();
    assert.ok(lease.spec.renewTime! > own.spec.renewTime!, 'renewTime never advanced');
    assert.equal(lease.spec.holderIdentity, own.spec.holderIdentity);
    assert.equal(lease.metadata.uid, own.metadata.uid);
  });

  it('the leader\'s sweep deletes an expired identity Lease and spares the live one and other Leases', async () => {
    assert.ok(own, 'the first test found the lease');
    const old = microTime(new Date(Date.now() - 2 * 3600_000));
    const mk = (name: string, labels: Record<string, string> | undefined, duration: number) => ({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, ...(labels ? { labels } : {}) },
      spec: { holderIdentity: `${name}_gone`, leaseDurationSeconds: duration, renewTime: old },
    });
    assert.equal((await client.post(LEASES, mk('apiserver-stale', { 'apiserver.kubernetes.io/identity': 'kube-apiserver' }, 3600))).status, 201);
    assert.equal((await client.post(LEASES, mk('someone-elses', undefined, 15))).status, 201);

    // The first sweep of a term runs at once: restart the replica on the same data, and it leads and sweeps.
    const first = fd;
    await first.stop({ keepDataDir: true });
    // Stopping wrote nothing to the Lease and failed nothing: it is left to expire, as kube leaves it.
    const lease = (l: LogLine) => typeof l.lease === 'string' && l.lease.includes(own.metadata.name);
    assert.deepEqual(first.logs.filter((l) => (l.level === 'error' || l.level === 'warn') && lease(l)), []);
    fd = await startFrontdoor({ dataDir });
    client = await startedClient(fd);
    await eventually(() => client.get(`${LEASES}/apiserver-stale`), (r) => r.status === 404, GENEROUS);
    assert.ok(fd.logs.some((l) => l.message === 'deleted expired apiserver lease' && l.lease === 'kube-system/apiserver-stale'));
    // Not an identity Lease, or not expired: untouched. The restarted replica serves on a new port, so has a Lease of its own.
    assert.equal((await client.get(`${LEASES}/someone-elses`)).status, 200);
    const items = await eventually(() => identityLeases(fd), (l) => l.length === 2, GENEROUS);
    assert.ok(items.some((l) => l.metadata.name === own.metadata.name && l.spec.holderIdentity === own.spec.holderIdentity), 'the first replica\'s unexpired Lease was collected');
    assert.equal(items.filter((l) => l.metadata.name !== own.metadata.name).length, 1);
  });
});
