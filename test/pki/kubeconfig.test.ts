import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import type { TLSSocket } from 'node:tls';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { ensurePKI, type PKIFiles } from '../../src/pki/bootstrap.js';
import { renderKubeconfig, writeKubeconfig, type KubeconfigOptions } from '../../src/pki/kubeconfig.js';

interface Kubeconfig {
  apiVersion: string;
  kind: string;
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { name: string; user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  'current-context': string;
}

let root: string;
let files: PKIFiles;
let opts: KubeconfigOptions;

const read = (path: string) => readFileSync(path, 'utf8');
const unbase64 = (data: string) => Buffer.from(data, 'base64').toString('utf8');

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'frontdoor-kubeconfig-'));
  ({ files } = await ensurePKI({ certDir: join(root, 'pki'), hosts: [] }));
  opts = {
    server: 'https://127.0.0.1:6443',
    caCertPem: read(files.caCert),
    clientCertPem: read(files.adminCert),
    clientKeyPem: read(files.adminKey),
  };
});

after(() => rmSync(root, { recursive: true, force: true }));

describe('renderKubeconfig', () => {
  it('renders one cluster, user and current context with the PEM data base64-encoded', () => {
    const config = parse(renderKubeconfig(opts)) as Kubeconfig;
    assert.equal(config.apiVersion, 'v1');
    assert.equal(config.kind, 'Config');
    assert.deepEqual(
      config.clusters.map((c) => [c.name, c.cluster.server]),
      [['frontdoor', 'https://127.0.0.1:6443']],
    );
    assert.equal(unbase64(config.clusters[0]!.cluster['certificate-authority-data']), read(files.caCert));
    assert.equal(config.users.length, 1);
    assert.equal(config.users[0]!.name, 'admin');
    assert.equal(unbase64(config.users[0]!.user['client-certificate-data']), read(files.adminCert));
    assert.equal(unbase64(config.users[0]!.user['client-key-data']), read(files.adminKey));
    assert.deepEqual(config.contexts, [{ name: 'admin@frontdoor', context: { cluster: 'frontdoor', user: 'admin' } }]);
    assert.equal(config['current-context'], 'admin@frontdoor');
  });

  it('uses the given cluster and user names', () => {
    const config = parse(renderKubeconfig({ ...opts, clusterName: 'lab', userName: 'jane' })) as Kubeconfig;
    assert.equal(config.clusters[0]!.name, 'lab');
    assert.equal(config.users[0]!.name, 'jane');
    assert.deepEqual(config.contexts[0], { name: 'jane@lab', context: { cluster: 'lab', user: 'jane' } });
    assert.equal(config['current-context'], 'jane@lab');
  });
});

describe('writeKubeconfig', () => {
  it('writes mode 0600, replacing an existing file and leaving no temporary file', async () => {
    const dir = mkdtempSync(join(root, 'out-'));
    const path = join(dir, 'admin.kubeconfig');
    writeFileSync(path, 'old', { mode: 0o644 });
    await writeKubeconfig(path, opts);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(read(path), renderKubeconfig(opts));
    assert.deepEqual(readdirSync(dir), ['admin.kubeconfig']);
  });
});

describe('the admin kubeconfig with kubectl', () => {
  const kubectl = findKubectl();
  it('lets kubectl 1.32 reach a TLS server that requires the client CA', { skip: kubectl ? false : 'kubectl.1.32 not found' }, async () => {
    let sawClient: string | undefined;
    const server = createServer(
      {
        cert: read(files.servingCert),
        key: read(files.servingKey),
        ca: read(files.clientCACert),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        const socket = req.socket as TLSSocket;
        const cn = socket.getPeerCertificate().subject?.CN;
        sawClient = Array.isArray(cn) ? cn.join(',') : cn;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ path: req.url }));
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      assert.ok(address && typeof address === 'object');
      const path = join(root, 'kubectl.kubeconfig');
      await writeKubeconfig(path, { ...opts, server: `https://127.0.0.1:${address.port}` });
      const { stdout } = await promisify(execFile)(kubectl!, ['--kubeconfig', path, 'get', '--raw', '/frontdoor-pki-test'], {
        timeout: 30_000,
      });
      assert.deepEqual(JSON.parse(stdout), { path: '/frontdoor-pki-test' });
      assert.equal(sawClient, 'admin');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

/** kubectl 1.32 itself, not the Cloud SDK dispatcher in front of it (see ENVIRONMENT.md). */
function findKubectl(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'kubectl');
    if (!dir || !existsSync(candidate)) continue;
    const versioned = join(dirname(realpathSync(candidate)), 'kubectl.1.32');
    if (existsSync(versioned)) return versioned;
  }
  return undefined;
}
