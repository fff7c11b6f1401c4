/**
 * The cluster authentication trust controller against a real SQLite backend
 * (watch caches and generic Stores for configmaps and namespaces, with
 * namespace lifecycle admission), fed by real DynamicFileCAContents whose
 * files the tests rewrite.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { isNotFound } from '../../../src/apimachinery/status-error.js';
import { configMaps as configMapsDef, type ConfigMap } from '../../../src/apis/core/v1/configmaps.js';
import { namespaces as namespacesDef } from '../../../src/apis/core/v1/namespaces.js';
import { FakeClock } from '../../../src/controller/clock.js';
import { DynamicFileCAContent } from '../../../src/dynamiccertificates/dynamic-cafile-content.js';
import { combineCABundles, EXPIRY_SLACK_MS } from '../../../src/master/controllers/ca-bundle-merge.js';
import {
  ClusterAuthenticationTrustController,
  CONFIGMAP_NAME,
  CONFIGMAP_NAMESPACE,
  mergeAuthenticationData,
  type ClusterAuthenticationInfo,
} from '../../../src/master/controllers/cluster-authentication-trust.js';
import { namespaceLifecycle } from '../../../src/master/namespace-lifecycle.js';
import { discardLogger } from '../../../src/observability/logger.js';
import type { ResourceDefinition } from '../../../src/registry/resource-definition.js';
import { Store } from '../../../src/registry/store.js';
import { Cacher } from '../../../src/storage/cacher/index.js';
import { SqliteStorage } from '../../../src/storage/sqlite/sqlite-storage.js';
import { newCA } from '../../dynamiccertificates/helpers.js';
import { makeTempDir, type TempDir } from '../../helpers/tmp.js';

const DAY = 86_400_000;
const ca1 = newCA('trust-ca-1');
const ca2 = newCA('trust-ca-2');
const frontProxyCA = newCA('trust-front-proxy-ca');
const expiredCA = newCA('trust-expired-ca', { now: new Date(Date.now() - 10 * DAY), days: 1 });
const shortCA = newCA('trust-short-ca', { days: 2 });

/** The DER of each certificate in a bundle, in order: what "holds CA x" means. */
const ders = (pem: string | undefined): string[] =>
  [...(pem ?? '').matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g)].map((m) => new X509Certificate(m[0]).raw.toString('base64'));
const der = (pem: string): string => ders(pem)[0]!;

async function eventually<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 300; i++) {
    last = await fn();
    if (ok(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
}

describe('combineCABundles', () => {
  const now = new Date();

  it('keeps each certificate once, earlier bundles first, and re-encodes them as PEM', () => {
    const out = combineCABundles([ca1.certPem + ca2.certPem, ca2.certPem + frontProxyCA.certPem], now);
    assert.deepEqual(ders(out.pem), [der(ca1.certPem), der(ca2.certPem), der(frontProxyCA.certPem)]);
    assert.equal(out.count, 3);
    assert.match(out.pem, /^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+\n-----END CERTIFICATE-----\n/);
  });

  it('drops expired certificates, but only past five minutes of slack', () => {
    const out = combineCABundles([expiredCA.certPem + ca1.certPem], now);
    assert.deepEqual(ders(out.pem), [der(ca1.certPem)]);
    assert.equal(out.expired.length, 1);
    assert.match(out.expired[0]!, /trust-expired-ca/);

    const notAfter = new Date(new X509Certificate(shortCA.certPem).validTo).getTime();
    assert.equal(combineCABundles([shortCA.certPem], new Date(notAfter + EXPIRY_SLACK_MS - 1000)).count, 1, 'within the slack');
    assert.equal(combineCABundles([shortCA.certPem], new Date(notAfter + EXPIRY_SLACK_MS + 1000)).count, 0, 'past it');
  });

  it('skips blocks that are not readable certificates and counts them', () => {
    const junk = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n';
    const out = combineCABundles([junk + ca1.certPem, 'no pem at all'], now);
    assert.deepEqual(ders(out.pem), [der(ca1.certPem)]);
    assert.equal(out.unreadable, 2);
    assert.equal(combineCABundles(['', ''], now).pem, '');
  });
});

/** A static CAContentProvider: enough for the pure merge. */
const staticCA = (pem: string) => ({
  name: () => 'static',
  currentCABundleContent: () => pem,
  verifyOptions: () => {
    throw new Error('not used');
  },
  addListener: () => undefined,
});

const HEADERS = {
  usernameHeaders: ['X-Remote-User'],
  groupHeaders: ['X-Remote-Group'],
  extraHeaderPrefixes: ['X-Remote-Extra-'],
  allowedNames: [] as string[],
};

describe('mergeAuthenticationData', () => {
  const now = new Date();

  it('writes kube\'s keys, the header lists as JSON arrays ([] when empty)', () => {
    const { data } = mergeAuthenticationData({}, { clientCA: staticCA(ca1.certPem), requestHeaderCA: staticCA(frontProxyCA.certPem), ...HEADERS }, now);
    assert.deepEqual(Object.keys(data).sort(), [
      'client-ca-file',
      'requestheader-allowed-names',
      'requestheader-client-ca-file',
      'requestheader-extra-headers-prefix',
      'requestheader-group-headers',
      'requestheader-uid-headers',
      'requestheader-username-headers',
    ]);
    assert.equal(data['requestheader-uid-headers'], '[]');
    assert.equal(data['requestheader-username-headers'], '["X-Remote-User"]');
    assert.equal(data['requestheader-group-headers'], '["X-Remote-Group"]');
    assert.equal(data['requestheader-extra-headers-prefix'], '["X-Remote-Extra-"]');
    assert.equal(data['requestheader-allowed-names'], '[]');
    assert.deepEqual(ders(data['client-ca-file']), [der(ca1.certPem)]);
    assert.deepEqual(ders(data['requestheader-client-ca-file']), [der(frontProxyCA.certPem)]);
  });

  it('keeps the uid headers another (kube) replica wrote', () => {
    const { data } = mergeAuthenticationData({ 'requestheader-uid-headers': '["X-Remote-Uid"]' }, { requestHeaderCA: staticCA(frontProxyCA.certPem), ...HEADERS }, now);
    assert.equal(data['requestheader-uid-headers'], '["X-Remote-Uid"]');
  });

  it('writes no requestheader keys without a requestheader CA, and drops keys that are not kube\'s', () => {
    const { data } = mergeAuthenticationData({ extra: 'x', 'requestheader-username-headers': '["X-Old"]' }, { clientCA: staticCA(ca1.certPem), ...HEADERS }, now);
    assert.deepEqual(Object.keys(data), ['client-ca-file']);
  });

  it('unions header lists (existing first) and ignores unreadable existing values', () => {
    const existing = {
      'requestheader-client-ca-file': frontProxyCA.certPem,
      'requestheader-username-headers': '["X-Other-User","X-Remote-User"]',
      'requestheader-group-headers': 'not json',
      'requestheader-allowed-names': '[1]',
    };
    const merged = mergeAuthenticationData(existing, { requestHeaderCA: staticCA(frontProxyCA.certPem), ...HEADERS, allowedNames: ['front-proxy-client'] }, now);
    assert.equal(merged.data['requestheader-username-headers'], '["X-Other-User","X-Remote-User"]');
    assert.equal(merged.data['requestheader-group-headers'], '["X-Remote-Group"]');
    assert.equal(merged.data['requestheader-allowed-names'], '["front-proxy-client"]');
    assert.equal(merged.unreadable.length, 2);
  });
});

describe('ClusterAuthenticationTrustController on SQLite', () => {
  let dir: TempDir;
  let backend: SqliteStorage;
  let cachers: Cacher[];
  let configMaps: Store;
  let namespaces: Store;
  let clientCA: DynamicFileCAContent;
  let requestHeaderCA: DynamicFileCAContent;
  let abort: AbortController;
  let running: Promise<void> | undefined;
  const file = (name: string) => join(dir.path, name);

  before(async () => {
    dir = await makeTempDir('frontdoor-trust-');
  });
  after(async () => {
    await dir.remove();
  });

  beforeEach(async () => {
    backend = SqliteStorage.open({ path: join(dir.path, `state-${Date.now()}-${Math.random()}.db`), compactionIntervalMs: 0 });
    const nsCacher = new Cacher({ storage: backend, resourcePrefix: '/namespaces' });
    const cmCacher = new Cacher({ storage: backend, resourcePrefix: '/configmaps' });
    cachers = [nsCacher, cmCacher];
    await Promise.all(cachers.map((c) => c.start()));
    namespaces = new Store(namespacesDef as unknown as ResourceDefinition, nsCacher);
    const lookup = async (name: string) => namespaces.get('', name).catch(() => undefined);
    configMaps = new Store(configMapsDef as unknown as ResourceDefinition, cmCacher, {
      admit: namespaceLifecycle({ group: '', resource: 'configmaps', namespaced: true }, lookup),
    });
    await writeFile(file('client-ca.crt'), ca1.certPem);
    await writeFile(file('front-proxy-ca.crt'), frontProxyCA.certPem);
    clientCA = new DynamicFileCAContent('client-ca-bundle', file('client-ca.crt'), { logger: discardLogger });
    requestHeaderCA = new DynamicFileCAContent('request-header', file('front-proxy-ca.crt'), { logger: discardLogger });
    await clientCA.runOnce();
    await requestHeaderCA.runOnce();
    abort = new AbortController();
    running = undefined;
  });

  afterEach(async () => {
    abort.abort();
    await running;
    await Promise.all(cachers.map((c) => c.stop()));
    await backend.close();
  });

  const info = (): ClusterAuthenticationInfo => ({ clientCA, requestHeaderCA, ...HEADERS, allowedNames: ['front-proxy-client'] });

  function start(opts: { clock?: FakeClock; now?: () => Date } = {}): ClusterAuthenticationTrustController {
    const controller = new ClusterAuthenticationTrustController({ storage: backend, configMaps, namespaces, info: info(), logger: discardLogger, ...opts });
    running = controller.run(abort.signal);
    return controller;
  }

  const read = async (): Promise<ConfigMap | undefined> => {
    try {
      return (await configMaps.get(CONFIGMAP_NAMESPACE, CONFIGMAP_NAME)) as ConfigMap;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
  const clientCAs = async () => ders((await read())?.data?.['client-ca-file'] ?? '');
  const edit = (change: (cm: ConfigMap) => void) =>
    configMaps.update(CONFIGMAP_NAMESPACE, CONFIGMAP_NAME, (current) => {
      const next = structuredClone(current!) as ConfigMap;
      change(next);
      return next;
    });

  it('creates kube-system when it is missing, then the ConfigMap with kube\'s keys', async () => {
    await assert.rejects(namespaces.get('', CONFIGMAP_NAMESPACE), (err) => isNotFound(err));
    start();
    const cm = await eventually('the ConfigMap', read, (c) => c !== undefined);
    assert.equal((await namespaces.get('', CONFIGMAP_NAMESPACE)).metadata?.name, CONFIGMAP_NAMESPACE);
    const data = cm!.data!;
    assert.deepEqual(ders(data['client-ca-file']), [der(ca1.certPem)]);
    assert.deepEqual(ders(data['requestheader-client-ca-file']), [der(frontProxyCA.certPem)]);
    assert.deepEqual(JSON.parse(data['requestheader-username-headers']!), ['X-Remote-User']);
    assert.deepEqual(JSON.parse(data['requestheader-group-headers']!), ['X-Remote-Group']);
    assert.deepEqual(JSON.parse(data['requestheader-extra-headers-prefix']!), ['X-Remote-Extra-']);
    assert.deepEqual(JSON.parse(data['requestheader-allowed-names']!), ['front-proxy-client']);
  });

  it('accumulates CAs across a rotation of the client CA file (it is the CA content\'s Listener)', async () => {
    start();
    await eventually('CA1 published', clientCAs, (d) => d.length === 1);
    await writeFile(file('client-ca.crt'), ca2.certPem);
    await clientCA.runOnce();
    assert.deepEqual(await eventually('CA1 and CA2 published', clientCAs, (d) => d.length === 2), [der(ca1.certPem), der(ca2.certPem)]);
    // The old CA stays after later syncs: what was published is merged, not replaced.
    await writeFile(file('front-proxy-ca.crt'), frontProxyCA.certPem + ca2.certPem);
    await requestHeaderCA.runOnce();
    const cm = await eventually('the front-proxy rotation', read, (c) => ders(c?.data?.['requestheader-client-ca-file']).length === 2);
    assert.deepEqual(ders(cm!.data!['client-ca-file']), [der(ca1.certPem), der(ca2.certPem)]);
  });

  it('merges with a ConfigMap that was there before it started, dropping its expired CA', async () => {
    await namespaces.create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: CONFIGMAP_NAMESPACE } });
    await configMaps.create(CONFIGMAP_NAMESPACE, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: CONFIGMAP_NAME },
      data: { 'client-ca-file': expiredCA.certPem + ca2.certPem, 'requestheader-username-headers': '["X-Proxy-User"]' },
    });
    start();
    const cm = await eventually('the merged ConfigMap', read, (c) => c?.data?.['requestheader-client-ca-file'] !== undefined);
    assert.deepEqual(ders(cm!.data!['client-ca-file']), [der(ca2.certPem), der(ca1.certPem)], 'the existing CA first, the expired one gone');
    assert.deepEqual(JSON.parse(cm!.data!['requestheader-username-headers']!), ['X-Proxy-User', 'X-Remote-User']);
  });

  it('repairs the ConfigMap when someone edits it, and re-creates it when someone deletes it', async () => {
    start();
    await eventually('CA1 published', clientCAs, (d) => d.length === 1);
    await edit((cm) => {
      cm.data = { 'client-ca-file': ca2.certPem, unrelated: 'x' };
    });
    const repaired = await eventually('the repair', read, (c) => c?.data?.['requestheader-client-ca-file'] !== undefined && c.data['unrelated'] === undefined);
    assert.deepEqual(ders(repaired!.data!['client-ca-file']), [der(ca2.certPem), der(ca1.certPem)], 'what was written is kept and ours is back');
    assert.equal(repaired!.data!['requestheader-allowed-names'], '["front-proxy-client"]');

    const uid = repaired!.metadata?.uid;
    await configMaps.delete(CONFIGMAP_NAMESPACE, CONFIGMAP_NAME);
    const recreated = await eventually('the re-creation', read, (c) => c !== undefined && c.metadata?.uid !== uid);
    assert.deepEqual(ders(recreated!.data!['client-ca-file']), [der(ca1.certPem)]);
  });

  it('resyncs every minute on its clock, dropping a published CA once it has expired', async () => {
    const clock = new FakeClock();
    let now = new Date();
    await writeFile(file('client-ca.crt'), shortCA.certPem + ca1.certPem);
    await clientCA.runOnce();
    const controller = start({ clock, now: () => now });
    await eventually('both published', clientCAs, (d) => d.length === 2);
    // Nothing changes but time, so only the resync can notice the expiry.
    now = new Date(Date.now() + 3 * DAY);
    clock.step(59_000);
    assert.equal(clock.nextTimerIn(), 1_000, 'the resync is still waiting');
    assert.equal(controller.runner.queue.len(), 0, 'and nothing is queued');
    clock.step(1_000);
    assert.deepEqual(await eventually('the expired CA dropped', clientCAs, (d) => d.length === 1), [der(ca1.certPem)]);
  });
});
