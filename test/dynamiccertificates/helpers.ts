import { rename, symlink, writeFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import tls from 'node:tls';
import forge from 'node-forge';
import { issueCertificate } from '../../src/pki/issue.js';
import { generateRSAKeyPairSync, keyPairFromPem, privateKeyToPem } from '../../src/pki/keys.js';
import { createCA, signClientCertificate, type CertAndKey } from '../../src/pki/sign.js';

export { waitFor, waitForReal, capturingLogger } from '../controller/helpers.js';

// Small keys keep the suite quick; OpenSSL's default security level still accepts them.
const BITS = 1024;

export interface TestCert extends CertAndKey {
  serial: string;
}

export function newCA(cn: string, opts: { now?: Date; days?: number } = {}): TestCert {
  const ca = createCA(cn, { keyBits: BITS, ...opts });
  return { ...ca, serial: serialOf(ca.certPem) };
}

export function newServingCert(ca: CertAndKey, cn: string, dnsNames: string[] = [cn], opts: { now?: Date; days?: number } = {}): TestCert {
  const pair = generateRSAKeyPairSync(BITS);
  const cert = issueCertificate({
    subject: { commonName: cn },
    publicKey: pair.publicKey,
    issuer: { cert: forge.pki.certificateFromPem(ca.certPem), key: keyPairFromPem(ca.keyPem).privateKey },
    usage: 'server',
    dnsNames,
    ipAddresses: ['127.0.0.1'],
    now: opts.now ?? new Date(),
    days: opts.days ?? 30,
  });
  const certPem = forge.pki.certificateToPem(cert);
  return { certPem, keyPem: privateKeyToPem(pair.privateKey), serial: serialOf(certPem) };
}

export function newClientCert(ca: CertAndKey, cn: string): TestCert {
  const c = signClientCertificate({ caCertPem: ca.certPem, caKeyPem: ca.keyPem, commonName: cn, keyBits: BITS });
  return { ...c, serial: serialOf(c.certPem) };
}

/** Upper-case hex, as tls.PeerCertificate.serialNumber reports it. */
export function serialOf(pem: string): string {
  return forge.pki.certificateFromPem(pem).serialNumber.toUpperCase();
}

/** Replaces a file by writing a sibling and renaming it over (what atomic writers and editors do). */
export async function replaceByRename(path: string, data: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/**
 * A Kubernetes secret volume: dir/<name> -> ..data/<name>, ..data -> ..<version>.
 * update() writes a new version directory and swaps ..data atomically (symlink
 * then rename over), then removes the old version, as the kubelet's AtomicWriter does.
 */
export class SecretVolume {
  private version = 0;
  private currentDir: string | undefined;

  constructor(readonly dir: string) {}

  path(name: string): string {
    return join(this.dir, name);
  }

  async update(files: Record<string, string>): Promise<void> {
    const versionDir = `..2026_01_01_00_00_0${this.version++}.${process.pid}`;
    await mkdir(join(this.dir, versionDir), { recursive: true });
    for (const [name, data] of Object.entries(files)) await writeFile(join(this.dir, versionDir, name), data);
    const tmpLink = join(this.dir, '..data_tmp');
    await rm(tmpLink, { force: true });
    await symlink(versionDir, tmpLink);
    await rename(tmpLink, join(this.dir, '..data'));
    for (const name of Object.keys(files)) {
      await symlink(join('..data', name), join(this.dir, name)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
    }
    if (this.currentDir) await rm(join(this.dir, this.currentDir), { recursive: true, force: true });
    this.currentDir = versionDir;
  }
}

export interface Connected {
  socket: tls.TLSSocket;
  serial: string;
}

/** A TLS connection to 127.0.0.1:port; resolves once the handshake is done. The caller ends it. */
export function connectTLS(port: number, opts: { servername?: string; client?: CertAndKey } = {}): Promise<Connected> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      servername: opts.servername,
      rejectUnauthorized: false,
      // A fresh handshake every time: no session reuse across tests' rotations.
      session: undefined,
      ...(opts.client ? { cert: opts.client.certPem, key: opts.client.keyPem } : {}),
    });
    socket.once('secureConnect', () => resolve({ socket, serial: socket.getPeerCertificate().serialNumber.toUpperCase() }));
    socket.once('error', reject);
  });
}
