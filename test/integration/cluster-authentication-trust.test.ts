/**
 * The real server publishes kube-system/extension-apiserver-authentication:
 * the client CA from --client-ca-file and the generated front-proxy CA with
 * kube's requestheader keys; a CA rotated on disk accumulates in the
 * ConfigMap; a deleted ConfigMap comes back.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCA, signClientCertificate, type CertAndKey } from '../../src/pki/sign.js';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { eventually, request, type ClientCreds } from '../helpers/https.js';
import { makeTempDir, type TempDir } from '../helpers/tmp.js';

const PATH = '/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication';

interface ConfigMap {
  metadata: { uid: string; resourceVersion: string };
  data?: Record<string, string>;
}

// Small keys keep the test quick.
const ca = (cn: string) => createCA(cn, { keyBits: 1024 });
const admin = (issuer: CertAndKey) =>
  signClientCertificate({ caCertPem: issuer.certPem, caKeyPem: issuer.keyPem, commonName: 'trust-admin', organizations: ['system:masters'], keyBits: 1024 });

/** The DER of each certificate in a bundle, in order. */
const ders = (pem: string | undefined): string[] =>
  [...(pem ?? '').matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => new X509Certificate(m[0]).raw.toString('base64'));

describe('the cluster authentication trust controller in the running server', () => {
  let tmp: TempDir;
  let fd: Frontdoor;
  let servingCA: string;
  const ca1 = ca('trust-client-ca-1');
  const ca2 = ca('trust-client-ca-2');
  const admin1 = admin(ca1);
  const admin2 = admin(ca2);
  const creds = (client: CertAndKey): ClientCreds => ({ ca: servingCA, cert: client.certPem, key: client.keyPem });
  const caFile = () => join(tmp.path, 'client-ca.crt');

  /** The ConfigMap as the admin of `client` reads it; undefined while that is not a 200. */
  const read = async (client: CertAndKey): Promise<ConfigMap | undefined> => {
    const r = await request(fd.port, PATH, creds(client));
    return r.status === 200 ? r.json<ConfigMap>() : undefined;
  };

  before(async () => {
    tmp = await makeTempDir('frontdoor-trust-it-');
    await writeFile(caFile(), ca1.certPem);
    fd = await startFrontdoor({ args: ['--client-ca-file', caFile()] });
    servingCA = readFileSync(join(fd.dataDir, 'pki', 'ca.crt'), 'utf8');
  });
  after(async () => {
    await fd?.stop();
    await tmp?.remove();
  });

  it('publishes the client CA, the front-proxy CA and the requestheader keys as JSON arrays', async () => {
    const cm = await eventually(() => read(admin1), (c) => c !== undefined);
    const data = cm!.data!;
    assert.deepEqual(ders(data['client-ca-file']), ders(ca1.certPem));
    const frontProxyCA = readFileSync(join(fd.dataDir, 'pki', 'front-proxy-ca.crt'), 'utf8');
    assert.deepEqual(ders(data['requestheader-client-ca-file']), ders(frontProxyCA));
    assert.equal(data['requestheader-username-headers'], '["X-Remote-User"]');
    assert.equal(data['requestheader-group-headers'], '["X-Remote-Group"]');
    assert.equal(data['requestheader-extra-headers-prefix'], '["X-Remote-Extra-"]');
    assert.equal(data['requestheader-allowed-names'], '["front-proxy-client"]', 'the default that goes with the generated front-proxy CA');
  });

  it('accumulates the CAs when --client-ca-file is rotated to a new CA', async () => {
    await writeFile(caFile(), ca2.certPem);
    // Once the file is re-read only CA2's admin gets in; the ConfigMap still names both.
    const cm = await eventually(() => read(admin2), (c) => ders(c?.data?.['client-ca-file']).length === 2, { tries: 200 });
    assert.deepEqual(ders(cm!.data!['client-ca-file']), [...ders(ca1.certPem), ...ders(ca2.certPem)]);
    assert.equal((await request(fd.port, PATH, creds(admin1))).status, 401, 'CA1 itself is no longer trusted for clients');
  });

  it('re-creates the ConfigMap when someone deletes it', async () => {
    const before = (await read(admin2))!;
    const del = await request(fd.port, PATH, creds(admin2), { method: 'DELETE' });
    assert.equal(del.status, 200, del.body);
    const cm = await eventually(() => read(admin2), (c) => c !== undefined && c.metadata.uid !== before.metadata.uid);
    // What was published is gone with the object: only the CA configured now comes back.
    assert.deepEqual(ders(cm!.data!['client-ca-file']), ders(ca2.certPem));
    assert.equal(cm!.data!['requestheader-username-headers'], '["X-Remote-User"]');
  });
});
