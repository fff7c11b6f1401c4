import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { DynamicFileCAContent } from '../../src/dynamiccertificates/dynamic-cafile-content.js';
import { DynamicCertKeyPairContent } from '../../src/dynamiccertificates/dynamic-certkey-content.js';
import { DynamicSNIContent } from '../../src/dynamiccertificates/dynamic-sni-content.js';
import { discardLogger } from '../../src/observability/logger.js';
import { createDynamicSecureServer, createSecureServer, listen } from '../../src/server/secure-serving.js';
import { makeTempDir, type TempDir } from '../helpers/tmp.js';
import { connectTLS, newCA, newClientCert, newServingCert, replaceByRename, type TestCert } from './helpers.js';

const HOUR = 3_600_000;

interface WhoAmI {
  authorized: boolean;
  cn: string;
}

/** One keep-alive HTTP/1.1 GET over an open TLS socket; resolves with status and parsed JSON body. */
function get(socket: TLSSocket, path: string): Promise<{ status: number; body: WhoAmI }> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.subarray(0, end).toString();
      const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? NaN);
      if (buf.length < end + 4 + length) return;
      socket.off('data', onData);
      socket.off('error', reject);
      resolve({ status: Number(head.split(' ')[1]), body: JSON.parse(buf.subarray(end + 4, end + 4 + length).toString()) as WhoAmI });
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: test\r\nConnection: keep-alive\r\n\r\n`);
  });
}

/** Connects until a new connection shows what `ok` wants (the swap is asynchronous); bounded. */
async function eventually<T>(what: string, attempt: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 200; i++) {
    last = await attempt();
    if (ok(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}; last saw ${JSON.stringify(last)}`);
}

describe('TLSContextController with a real TLS server', () => {
  let tmp: TempDir;
  let port: number;
  const abort = new AbortController();
  const running: Promise<void>[] = [];
  let close: () => Promise<void>;

  const servingCA = newCA('serving-ca');
  const clientCA1 = newCA('client-ca-1');
  const clientCA2 = newCA('client-ca-2');
  const serving1 = newServingCert(servingCA, 'localhost', ['localhost']);
  const serving2 = newServingCert(servingCA, 'localhost', ['localhost']);
  const sni1 = newServingCert(servingCA, 'sni.example.com', ['sni.example.com']);
  const sni2 = newServingCert(servingCA, 'sni.example.com', ['sni.example.com']);
  const wild = newServingCert(servingCA, 'wildcard', ['ignored.example.org']);
  const alice1 = newClientCert(clientCA1, 'alice');
  const bob2 = newClientCert(clientCA2, 'bob');
  const files: Record<string, string> = {};

  before(async () => {
    tmp = await makeTempDir('dyncerts-tls-');
    const write = async (name: string, data: string) => {
      files[name] = join(tmp.path, name);
      await writeFile(files[name]!, data);
    };
    await write('serving.crt', serving1.certPem);
    await write('serving.key', serving1.keyPem);
    await write('sni.crt', sni1.certPem);
    await write('sni.key', sni1.keyPem);
    await write('wild.crt', wild.certPem);
    await write('wild.key', wild.keyPem);
    await write('client-ca.crt', clientCA1.certPem);

    const opts = { logger: discardLogger, resyncIntervalMs: HOUR };
    const servingCert = new DynamicCertKeyPairContent('serving-cert', files['serving.crt']!, files['serving.key']!, opts);
    const sniCerts = [
      new DynamicSNIContent('sni-serving-cert', files['sni.crt']!, files['sni.key']!, [], opts),
      new DynamicSNIContent('sni-serving-cert', files['wild.crt']!, files['wild.key']!, ['*.wild.example.com'], opts),
    ];
    const clientCA = new DynamicFileCAContent('client-ca-bundle', files['client-ca.crt']!, opts);
    for (const c of [servingCert, ...sniCerts, clientCA]) await c.runOnce();

    const app = express();
    app.get('/whoami', (req, res) => {
      const socket = req.socket as TLSSocket;
      const peer = socket.getPeerCertificate();
      res.json({ authorized: socket.authorized, cn: peer.subject?.CN ?? '' });
    });
    const { server, tlsContext } = createDynamicSecureServer(app, { servingCert, sniCerts, clientCA, logger: discardLogger, resyncIntervalMs: HOUR });
    port = (await listen(server, '127.0.0.1', 0)).port;
    for (const c of [servingCert, ...sniCerts, clientCA, tlsContext]) running.push(c.run(abort.signal));
    close = async () => {
      abort.abort();
      await Promise.all(running);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    };
  });
  after(async () => {
    await close();
    await tmp.remove();
  });

  it('serves the new serving certificate to new connections while an open connection keeps working', async () => {
    const before = await connectTLS(port);
    let dropped = false;
    before.socket.once('close', () => (dropped = true));
    try {
      assert.equal(before.serial, serving1.serial);
      assert.equal((await get(before.socket, '/whoami')).status, 200);

      await replaceByRename(files['serving.key']!, serving2.keyPem);
      await replaceByRename(files['serving.crt']!, serving2.certPem);
      await eventually(
        'a new connection to see the new certificate',
        async () => {
          const c = await connectTLS(port);
          c.socket.destroy();
          return c.serial;
        },
        (serial) => serial === serving2.serial,
      );

      const again = await get(before.socket, '/whoami');
      assert.equal(again.status, 200, 'the connection opened before the rotation still serves');
      assert.equal(before.socket.getPeerCertificate().serialNumber.toUpperCase(), serving1.serial);
      assert.equal(dropped, false);
    } finally {
      before.socket.destroy();
    }
  });

  it('accepts a client certificate from a new client CA after rotation, and no longer the old one', async () => {
    const ask = async (client: TestCert, servername?: string) => {
      const c = await connectTLS(port, { client, servername });
      try {
        return (await get(c.socket, '/whoami')).body;
      } finally {
        c.socket.destroy();
      }
    };
    assert.deepEqual(await ask(alice1), { authorized: true, cn: 'alice' });
    assert.equal((await ask(bob2)).authorized, false);
    // Client verification also holds on a connection that an SNI certificate answers.
    assert.equal((await ask(alice1, 'sni.example.com')).authorized, true);

    await replaceByRename(files['client-ca.crt']!, clientCA2.certPem);
    await eventually('bob to be authorized', () => ask(bob2), (b) => b.authorized);
    assert.deepEqual(await ask(bob2, 'sni.example.com'), { authorized: true, cn: 'bob' });
    assert.equal((await ask(alice1)).authorized, false, 'the removed CA no longer verifies');
    assert.equal((await ask(alice1, 'sni.example.com')).authorized, false);
  });

  it('picks the SNI certificate by server name: exact, wildcard, else the default; and follows its rotation', async () => {
    const serialFor = async (servername?: string) => {
      const c = await connectTLS(port, { servername });
      c.socket.destroy();
      return c.serial;
    };
    const defaultSerial = await serialFor();
    assert.notEqual(defaultSerial, sni1.serial);
    assert.equal(await serialFor('sni.example.com'), sni1.serial);
    assert.equal(await serialFor('SNI.example.com'), sni1.serial);
    assert.equal(await serialFor('a.wild.example.com'), wild.serial);
    assert.equal(await serialFor('ignored.example.org'), defaultSerial, 'flag names replace the certificate names');
    assert.equal(await serialFor('unknown.example.com'), defaultSerial);

    await replaceByRename(files['sni.key']!, sni2.keyPem);
    await replaceByRename(files['sni.crt']!, sni2.certPem);
    await eventually('the rotated SNI certificate', () => serialFor('sni.example.com'), (s) => s === sni2.serial);
    assert.equal(await serialFor('b.wild.example.com'), wild.serial);
  });
});

describe('createSecureServer from PEM strings', () => {
  it('serves the given certificate and verifies clients against the given CA', async () => {
    const ca = newCA('static-ca');
    const clientCA = newCA('static-client-ca');
    const pair = newServingCert(ca, 'localhost');
    const app = express();
    app.get('/whoami', (req, res) => res.json({ authorized: (req.socket as TLSSocket).authorized, cn: '' }));
    const server = createSecureServer(app, { certPem: pair.certPem, keyPem: pair.keyPem, clientCAPem: clientCA.certPem });
    const { port } = (await listen(server, '127.0.0.1', 0)) as AddressInfo;
    try {
      const c = await connectTLS(port, { client: newClientCert(clientCA, 'carol') });
      assert.equal(c.serial, pair.serial);
      assert.equal((await get(c.socket, '/whoami')).body.authorized, true);
      c.socket.destroy();
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    assert.throws(() => createSecureServer(app, { certPem: pair.certPem, keyPem: newServingCert(ca, 'x').keyPem, clientCAPem: clientCA.certPem }), /does not match/);
  });
});

