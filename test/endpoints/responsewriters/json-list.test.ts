import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import express, { type Response } from 'express';
import { writeList } from '../../../src/endpoints/responsewriters/list.js';

const writeJSONList = (res: Response, code: number, envelope: Record<string, unknown>, items: unknown[]) =>
  writeList(res, code, { envelope, key: 'items', items }, { format: 'json' });

/** Serves one list through writeJSONList and fetches it; resolves with the bytes and headers. */
async function roundTrip(envelope: Record<string, unknown>, items: unknown[]): Promise<{ body: string; headers: http.IncomingHttpHeaders }> {
  const app = express();
  app.get('/', (_req, res: Response, next) => void writeJSONList(res, 200, envelope, items).catch(next));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const port = (server.address() as AddressInfo).port;
    return await new Promise((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
        })
        .on('error', reject);
    });
  } finally {
    server.close();
  }
}

const envelope = { kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: '42', continue: 'x' } };
const cm = (i: number) => ({
  kind: 'ConfigMap',
  apiVersion: 'v1',
  metadata: { name: `cm-${i}`, namespace: 'default', labels: { 'é': 'ü\u2028' } },
  data: { k: 'v'.repeat(200), quote: '"\\' },
});

describe('writeList as JSON', () => {
  const cases: { name: string; items: unknown[]; chunked: boolean }[] = [
    { name: 'an empty list', items: [], chunked: false },
    { name: 'one item', items: [cm(0)], chunked: false },
    { name: 'a list under one batch', items: Array.from({ length: 100 }, (_, i) => cm(i)), chunked: false },
    { name: 'a list of thousands, written in batches', items: Array.from({ length: 5000 }, (_, i) => cm(i)), chunked: true },
    { name: 'items JSON cannot hold alone', items: [undefined, () => 1, null, 3], chunked: false },
  ];
  for (const c of cases) {
    it(`${c.name}: the same bytes as JSON.stringify`, async () => {
      const { body, headers } = await roundTrip(envelope, c.items);
      assert.equal(body, JSON.stringify({ ...envelope, items: c.items }));
      assert.equal(headers['content-type'], 'application/json');
      if (c.chunked) {
        assert.equal(headers['transfer-encoding'], 'chunked');
        assert.equal(headers['content-length'], undefined);
      } else {
        assert.equal(headers['content-length'], String(Buffer.byteLength(body)));
      }
    });
  }

  it('stops writing when the client goes away', async () => {
    const items = Array.from({ length: 20_000 }, (_, i) => cm(i));
    let finished: Promise<void> | undefined;
    let writes = 0;
    const app = express();
    app.get('/', (_req, res: Response) => {
      const write = res.write.bind(res) as (chunk: string) => boolean;
      res.write = ((chunk: string) => (writes++, write(chunk))) as typeof res.write;
      finished = writeJSONList(res, 200, envelope, items);
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined);
    });
    await finished;
    server.close();
    const total = Math.ceil(JSON.stringify(items).length / (64 * 1024));
    assert.ok(writes < total, `wrote ${writes} of about ${total} batches after the client left`);
  });

  it('the same item instances listed again give the same bytes, also after one was replaced', async () => {
    const items = Array.from({ length: 3000 }, (_, i) => cm(i));
    const first = await roundTrip(envelope, items);
    const again = await roundTrip(envelope, items);
    assert.equal(again.body, first.body);
    // A changed object is a new instance (the watch cache never changes one in place).
    items[7] = { ...cm(7), data: { k: 'changed', quote: '' } };
    const changed = await roundTrip(envelope, items);
    assert.equal(changed.body, JSON.stringify({ ...envelope, items }));
  });

  it('refuses an envelope whose items would not come last', async () => {
    const res = { headersSent: false } as Response;
    await assert.rejects(writeJSONList(res, 200, { items: 'x', kind: 'L' }, []), /last field/);
  });
});
