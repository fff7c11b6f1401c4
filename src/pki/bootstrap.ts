/**
 * Zero-config PKI, as kubeadm's certs phase: three CAs (cluster, client,
 * front-proxy) and the leaf certificates they sign, kept in one directory.
 *
 * ensurePKI is idempotent. A run reuses every file that is still good and writes
 * only what is missing, unreadable as PEM, or due:
 * - a CA that is corrupt, not a CA, or whose key does not match is generated anew
 *   (new key); one that expires within renewBeforeDays is renewed with its own key
 *   and subject, so clients holding the old CA certificate keep trusting what the
 *   new one signs until the old one expires. Either way every leaf it signed is
 *   re-issued.
 * - a leaf that is missing its key gets a new key; otherwise it is re-issued with
 *   its existing key when it expires within renewBeforeDays, is not yet valid,
 *   does not verify against its CA, does not match its key, names the wrong
 *   subject, or (the serving certificate) lacks a wanted SAN.
 * Keys are written before certificates and each file atomically, so a crash at
 * any point leaves files that the next run either reuses or repairs.
 */
import { X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import forge from 'node-forge';
import { writeFileAtomic } from './atomic-write.js';
import { parseCertificate } from './cert-info.js';
import { issueCertificate, type CertificateUsage, type Issuer, type Subject } from './issue.js';
import { DEFAULT_KEY_BITS, generateRSAKeyPair, keyPairFromPem, privateKeyToPem, samePublicKey, type RSAKeyPair } from './keys.js';
import { coversNames, servingNames, type ServingNames } from './serving-names.js';
import { CA_VALIDITY_DAYS, LEAF_VALIDITY_DAYS } from './sign.js';

export interface PKIOptions {
  /** Created if missing (mode 0700); an existing directory's mode is left alone. */
  certDir: string;
  /** Extra SANs for the serving certificate (--tls-sans): DNS names or IPs, sorted by net.isIP. */
  hosts: string[];
  /** Injected clock for tests. */
  now?: () => Date;
  /** Renew a certificate that expires within this many days; default 30. */
  renewBeforeDays?: number;
  /** RSA modulus length for new keys; default 2048. */
  keyBits?: number;
}

/** Absolute paths. */
export interface PKIFiles {
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  clientCACert: string;
  clientCAKey: string;
  adminCert: string;
  adminKey: string;
  frontProxyCACert: string;
  frontProxyCAKey: string;
  proxyClientCert: string;
  proxyClientKey: string;
}

/**
 * `generated`: certificates created this run (none usable before: missing or corrupt).
 * `renewed`: certificates re-issued this run in place of a usable one. Entries are
 * the file base names: ca, apiserver, client-ca, admin, front-proxy-ca, front-proxy-client.
 */
export interface PKIResult {
  files: PKIFiles;
  generated: string[];
  renewed: string[];
}

const KEY_MODE = 0o600;
const CERT_MODE = 0o644;
const DIR_MODE = 0o700;
const DAY_MS = 24 * 60 * 60 * 1000;

interface CertSpec {
  /** The file base name, and the name reported in PKIResult. */
  name: string;
  subject: Subject;
}

interface LeafSpec extends CertSpec {
  usage: Exclude<CertificateUsage, 'ca'>;
  sans?: ServingNames;
}

interface CAGroup {
  ca: CertSpec;
  leaves: LeafSpec[];
}

interface Run {
  dir: string;
  now: Date;
  renewBeforeMs: number;
  keyBits: number;
  generated: string[];
  renewed: string[];
}

/** Makes sure every CA and certificate exists and is good for at least renewBeforeDays; see the file comment. */
export async function ensurePKI(opts: PKIOptions): Promise<PKIResult> {
  const dir = resolve(opts.certDir);
  const sans = servingNames(opts.hosts, hostname());
  await ensureDirectory(dir);

  const groups: CAGroup[] = [
    {
      ca: { name: 'ca', subject: { commonName: 'frontdoor-ca' } },
      leaves: [{ name: 'apiserver', subject: { commonName: 'frontdoor-apiserver' }, usage: 'server', sans }],
    },
    {
      ca: { name: 'client-ca', subject: { commonName: 'frontdoor-client-ca' } },
      leaves: [{ name: 'admin', subject: { commonName: 'admin', organizations: ['system:masters'] }, usage: 'client' }],
    },
    {
      ca: { name: 'front-proxy-ca', subject: { commonName: 'frontdoor-front-proxy-ca' } },
      leaves: [{ name: 'front-proxy-client', subject: { commonName: 'front-proxy-client' }, usage: 'client' }],
    },
  ];
  const now = opts.now?.() ?? new Date();
  const runs = groups.map<Run>(() => ({
    dir,
    now,
    renewBeforeMs: (opts.renewBeforeDays ?? 30) * DAY_MS,
    keyBits: opts.keyBits ?? DEFAULT_KEY_BITS,
    generated: [],
    renewed: [],
  }));
  // The groups share nothing, so their key generation can overlap.
  await Promise.all(groups.map((g, i) => ensureGroup(runs[i]!, g)));

  const path = (name: string, ext: 'crt' | 'key') => join(dir, `${name}.${ext}`);
  return {
    files: {
      caCert: path('ca', 'crt'),
      caKey: path('ca', 'key'),
      servingCert: path('apiserver', 'crt'),
      servingKey: path('apiserver', 'key'),
      clientCACert: path('client-ca', 'crt'),
      clientCAKey: path('client-ca', 'key'),
      adminCert: path('admin', 'crt'),
      adminKey: path('admin', 'key'),
      frontProxyCACert: path('front-proxy-ca', 'crt'),
      frontProxyCAKey: path('front-proxy-ca', 'key'),
      proxyClientCert: path('front-proxy-client', 'crt'),
      proxyClientKey: path('front-proxy-client', 'key'),
    },
    generated: runs.flatMap((r) => r.generated),
    renewed: runs.flatMap((r) => r.renewed),
  };
}

async function ensureGroup(run: Run, group: CAGroup): Promise<void> {
  const { issuer, issuerPem, changed } = await ensureCA(run, group.ca);
  for (const leaf of group.leaves) await ensureLeaf(run, leaf, issuer, issuerPem, changed);
}

async function ensureCA(run: Run, spec: CertSpec): Promise<{ issuer: Issuer; issuerPem: string; changed: boolean }> {
  const current = await loadPair(run.dir, spec.name);
  const { cert, key } = current;
  const usable = cert && key && isCA(cert) && samePublicKey(cert.publicKey, key.publicKey);
  if (usable && !due(run, cert)) {
    await chmod(keyPath(run.dir, spec.name), KEY_MODE);
    return { issuer: { cert, key: key.privateKey }, issuerPem: current.certPem!, changed: false };
  }

  let pair: RSAKeyPair;
  let subject = spec.subject;
  if (usable) {
    pair = key;
    subject = { commonName: parseCertificate(current.certPem!).commonName || spec.subject.commonName };
    run.renewed.push(spec.name);
  } else {
    pair = await generateRSAKeyPair(run.keyBits);
    await writeFileAtomic(keyPath(run.dir, spec.name), privateKeyToPem(pair.privateKey), KEY_MODE);
    run.generated.push(spec.name);
  }
  const issued = issueCertificate({
    subject,
    publicKey: pair.publicKey,
    selfSigningKey: pair.privateKey,
    usage: 'ca',
    now: run.now,
    days: CA_VALIDITY_DAYS,
  });
  const pem = forge.pki.certificateToPem(issued);
  await writeFileAtomic(certPath(run.dir, spec.name), pem, CERT_MODE);
  if (usable) await chmod(keyPath(run.dir, spec.name), KEY_MODE);
  // Re-parsed, as an Issuer must be (its name attributes then hold DER bytes).
  return { issuer: { cert: forge.pki.certificateFromPem(pem), key: pair.privateKey }, issuerPem: pem, changed: true };
}

async function ensureLeaf(run: Run, spec: LeafSpec, issuer: Issuer, issuerPem: string, caChanged: boolean): Promise<void> {
  const { cert, certPem, key } = await loadPair(run.dir, spec.name);
  let pair = key;
  if (!pair) {
    pair = await generateRSAKeyPair(run.keyBits);
    await writeFileAtomic(keyPath(run.dir, spec.name), privateKeyToPem(pair.privateKey), KEY_MODE);
    run.generated.push(spec.name);
  } else {
    await chmod(keyPath(run.dir, spec.name), KEY_MODE);
    if (cert && certPem && !caChanged && leafIsGood(run, spec, cert, certPem, pair, issuerPem)) return;
    (cert ? run.renewed : run.generated).push(spec.name);
  }
  const issued = issueCertificate({
    subject: spec.subject,
    publicKey: pair.publicKey,
    issuer,
    usage: spec.usage,
    dnsNames: spec.sans?.dnsNames,
    ipAddresses: spec.sans?.ipAddresses,
    now: run.now,
    days: LEAF_VALIDITY_DAYS,
  });
  await writeFileAtomic(certPath(run.dir, spec.name), forge.pki.certificateToPem(issued), CERT_MODE);
}

function leafIsGood(
  run: Run,
  spec: LeafSpec,
  cert: forge.pki.Certificate,
  certPem: string,
  pair: RSAKeyPair,
  issuerPem: string,
): boolean {
  if (due(run, cert) || !samePublicKey(cert.publicKey, pair.publicKey)) return false;
  const leaf = new X509Certificate(certPem);
  const ca = new X509Certificate(issuerPem);
  if (!leaf.checkIssued(ca) || !leaf.verify(ca.publicKey)) return false;
  const info = parseCertificate(certPem);
  const orgs = spec.subject.organizations ?? [];
  if (info.commonName !== spec.subject.commonName || info.organizations.join('\n') !== orgs.join('\n')) return false;
  return !spec.sans || coversNames(info, spec.sans);
}

/** Expires within the renewal window, or is not valid yet (the clock moved back, or a bad clock wrote it). */
function due(run: Run, cert: forge.pki.Certificate): boolean {
  const { notBefore, notAfter } = cert.validity;
  return notAfter.getTime() - run.now.getTime() <= run.renewBeforeMs || notBefore.getTime() > run.now.getTime();
}

function isCA(cert: forge.pki.Certificate): boolean {
  const bc = cert.getExtension('basicConstraints') as { cA?: boolean } | null;
  return bc?.cA === true;
}

interface LoadedPair {
  cert?: forge.pki.Certificate;
  certPem?: string;
  key?: RSAKeyPair;
}

/** Reads a certificate and its key; a missing or unparseable one is left out. Other read errors are thrown. */
async function loadPair(dir: string, name: string): Promise<LoadedPair> {
  const out: LoadedPair = {};
  const certPem = await readIfExists(certPath(dir, name));
  if (certPem !== undefined) {
    try {
      out.cert = forge.pki.certificateFromPem(certPem);
      out.certPem = certPem;
    } catch {
      // corrupt or not RSA: regenerated
    }
  }
  const keyPem = await readIfExists(keyPath(dir, name));
  if (keyPem !== undefined) {
    try {
      out.key = keyPairFromPem(keyPem);
    } catch {
      // corrupt: regenerated
    }
  }
  return out;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    // Anything but absence (say, EACCES) stops start-up rather than have a file we cannot read overwritten.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function ensureDirectory(dir: string): Promise<void> {
  const existed = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (existed) return;
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  // mkdir's mode passes through the umask.
  await chmod(dir, DIR_MODE);
}

function certPath(dir: string, name: string): string {
  return join(dir, `${name}.crt`);
}

function keyPath(dir: string, name: string): string {
  return join(dir, `${name}.key`);
}
