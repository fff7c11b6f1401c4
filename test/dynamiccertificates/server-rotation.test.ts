/**
 * The real server (src/cli/frontdoor.ts) with --tls-cert-file,
 * --tls-private-key-file and --client-ca-file: files rotated on disk are
 * served without a restart, and a garbage CA file leaves the old CA working.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { makeTempDir, type TempDir } from '../helpers/tmp.js';
import { connectTLS, newCA, newClientCert, newServingCert, replaceByRename, type TestCert } from './helpers.js';

/** GET path with a client certificate over a fresh connection; the status code. */
async function statusWith(port: number, client: TestCert, path = '/api'): Promise<number> {
  const { socket } = await connectTLS(port, { client });
  return new Promise((resolve, reject) => {
    let data = '';
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString();
      const m = /^HTTP\/1\.1 (\d{3})/.exec(data);
      if (m) {
        socket.destroy();
        resolve(Number(m[1]));
      }
    });
    socket.once('error', reject);
    (socket as TLSSocket).write(`GET ${path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n`);
  });
}

async function eventually(what: string, cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 250; i++) {
    if (await cond()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('frontdoor with certificate files given on the command line', () => {
  let tmp: TempDir;
  let fd: Frontdoor;
  const servingCA = newCA('serving-ca');
  const clientCA1 = newCA('client-ca-1');
  const clientCA2 = newCA('client-ca-2');
  const serving1 = newServingCert(servingCA, 'localhost');
  const serving2 = newServingCert(servingCA, 'localhost');
  const admin1 = newClientCert(clientCA1, 'admin-1');
  const admin2 = newClientCert(clientCA2, 'admin-2');
  const file = (name: string) => join(tmp.path, name);

  before(async () => {
    tmp = await makeTempDir('dyncerts-server-');
    await writeFile(file('tls.crt'), serving1.certPem);
    await writeFile(file('tls.key'), serving1.keyPem);
    await writeFile(file('client-ca.crt'), clientCA1.certPem);
    fd = await startFrontdoor({
      args: ['--tls-cert-file', file('tls.crt'), '--tls-private-key-file', file('tls.key'), '--client-ca-file', file('client-ca.crt')],
    });
  });
  after(async () => {
    await fd?.stop();
    await tmp.remove();
  });

  it('serves a serving certificate swapped on disk to new connections', async () => {
    const first = await connectTLS(fd.port);
    first.socket.destroy();
    assert.equal(first.serial, serving1.serial);
    await replaceByRename(file('tls.key'), serving2.keyPem);
    await replaceByRename(file('tls.crt'), serving2.certPem);
    await eventually('the new serving certificate', async () => {
      const c = await connectTLS(fd.port);
      c.socket.destroy();
      return c.serial === serving2.serial;
    });
  });

  it('follows the client CA file; garbage in it leaves the old CA working and is logged with the file name', async () => {
    assert.notEqual(await statusWith(fd.port, admin1), 401);
    assert.equal(await statusWith(fd.port, admin2), 401);

    await writeFile(file('client-ca.crt'), 'garbage');
    await fd.waitForLog((l) => l.level === 'error' && String(l.err ?? '').includes(file('client-ca.crt')), 10_000);
    assert.notEqual(await statusWith(fd.port, admin1), 401, 'the old CA keeps serving');

    await writeFile(file('client-ca.crt'), clientCA2.certPem);
    await eventually('a certificate from the new CA to be accepted', async () => (await statusWith(fd.port, admin2)) !== 401);
    assert.equal(await statusWith(fd.port, admin1), 401, 'the removed CA no longer verifies');
  });

  it('follows a client CA file replaced by rename, as a secret volume does', async () => {
    await replaceByRename(file('client-ca.crt'), clientCA1.certPem);
    await eventually('the renamed-in CA to be accepted', async () => (await statusWith(fd.port, admin1)) !== 401);
    assert.equal(await statusWith(fd.port, admin2), 401, 'the replaced CA no longer verifies');
  });
});

describe('frontdoor with --tls-sni-cert-key', () => {
  let tmp: TempDir;
  let fd: Frontdoor;
  const ca = newCA('sni-ca');
  const flagNamed = newServingCert(ca, 'ignored.example.org');
  const certNamed = newServingCert(ca, 'api.example.com');
  const certNamed2 = newServingCert(ca, 'api.example.com');
  const file = (name: string) => join(tmp.path, name);
  let defaultSerial = '';

  before(async () => {
    tmp = await makeTempDir('dyncerts-sni-');
    await writeFile(file('a.crt'), flagNamed.certPem);
    await writeFile(file('a.key'), flagNamed.keyPem);
    await writeFile(file('b.crt'), certNamed.certPem);
    await writeFile(file('b.key'), certNamed.keyPem);
    fd = await startFrontdoor({
      args: ['--tls-sni-cert-key', `${file('a.crt')},${file('a.key')}:*.flag.test,flag.test`, '--tls-sni-cert-key', `${file('b.crt')},${file('b.key')}`],
    });
    const c = await connectTLS(fd.port);
    c.socket.destroy();
    defaultSerial = c.serial;
  });
  after(async () => {
    await fd?.stop();
    await tmp.remove();
  });

  it('serves each SNI certificate for its names and the default certificate otherwise', async () => {
    const serial = async (servername?: string) => {
      const c = await connectTLS(fd.port, { servername });
      c.socket.destroy();
      return c.serial;
    };
    assert.equal(await serial('flag.test'), flagNamed.serial);
    assert.equal(await serial('x.flag.test'), flagNamed.serial, 'a wildcard name from the flag');
    assert.equal(await serial('ignored.example.org'), defaultSerial, 'names on the flag replace the certificate\'s own');
    assert.equal(await serial('api.example.com'), certNamed.serial, 'without names on the flag, the certificate\'s names');
    assert.equal(await serial('other.test'), defaultSerial);
    assert.notEqual(defaultSerial, certNamed.serial);
  });

  it('follows an SNI certificate rotated on disk', async () => {
    await replaceByRename(file('b.key'), certNamed2.keyPem);
    await replaceByRename(file('b.crt'), certNamed2.certPem);
    await eventually('the rotated SNI certificate', async () => {
      const c = await connectTLS(fd.port, { servername: 'api.example.com' });
      c.socket.destroy();
      return c.serial === certNamed2.serial;
    });
  });
});
