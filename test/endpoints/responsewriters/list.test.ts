/**
 * writeList against the one-piece writer: for every rendering (JSON, YAML,
 * protobuf; plain, PartialObjectMetadataList, Table) a list written in batches
 * has exactly the bytes writeObject(wholeList(list)) sends, and fails the same
 * way when it cannot be encoded. Both go through a real HTTP response.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import express, { type Response } from 'express';
import fc from 'fast-check';
import { setAuditContext, type AuditContext } from '../../../src/audit/context.js';
import { configMaps } from '../../../src/apis/core/v1/configmaps.js';
import { events } from '../../../src/apis/core/v1/events.js';
import type { Rendering } from '../../../src/endpoints/negotiation.js';
import { decodeProtobuf, encodeProtobuf } from '../../../src/endpoints/protobuf/codec.js';
import { installProtobufCodec } from '../../../src/endpoints/protobuf/install.js';
import { BATCH_SIZE } from '../../../src/endpoints/responsewriters/batched.js';
import { wholeList, writeList, type ListBody } from '../../../src/endpoints/responsewriters/list.js';
import { writeObject } from '../../../src/endpoints/responsewriters/object.js';
import { partialObjectMetadataList, tableList, toTable } from '../../../src/endpoints/table.js';
import { toKubeYAML } from '../../../src/endpoints/yaml-output.js';
import type { KubeObject } from '../../../src/registry/object.js';
import type { ResourceDefinition } from '../../../src/registry/resource-definition.js';

installProtobufCodec();

const SEED = 20_240_611;

interface Answer {
  status: number;
  contentType: string | undefined;
  contentLength: string | undefined;
  body: Buffer;
}

/** One server for the file; each request runs whatever `answer` is at the time. */
let answer: (res: Response) => Promise<void> = async () => undefined;
let server: http.Server;
let port: number;

before(async () => {
  const app = express();
  app.get('/', (_req, res: Response) => {
    answer(res).catch((err: unknown) => {
      if (!res.headersSent) res.status(500).type('text/plain').end(`failed: ${(err as Error).message}`);
    });
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  port = (server.address() as AddressInfo).port;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function fetch(how: (res: Response) => Promise<void>): Promise<Answer> {
  answer = how;
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'],
            contentLength: res.headers['content-length'],
            body: Buffer.concat(chunks),
          }),
        );
      })
      .on('error', reject);
  });
}

const batched = <T>(list: ListBody<T>, rendering: Rendering) => fetch((res) => writeList(res, 200, list, rendering));
const onePiece = <T>(list: ListBody<T>, rendering: Rendering) => fetch(async (res) => writeObject(res, 200, wholeList(list), rendering));

/** How many compared bodies were longer than a batch: the properties must reach past one. */
let crossed = 0;

async function assertSameAsOnePiece<T>(list: ListBody<T>, rendering: Rendering): Promise<Answer> {
  const want = await onePiece(list, rendering);
  if (want.body.length > BATCH_SIZE) crossed++;
  const got = await batched(list, rendering);
  assert.equal(got.status, want.status);
  assert.equal(got.contentType, want.contentType);
  assert.ok(got.body.equals(want.body), `${rendering.format} ${rendering.as ?? ''}: ${got.body.length} bytes, one piece ${want.body.length}`);
  return got;
}

// ---------------------------------------------------------------- arbitraries

// Strings a YAML 1.1 reader or a JSON writer treats specially, beside random unicode.
const tricky = fc.constantFrom('', 'yes', 'on', 'null', '~', '0755', '1e3', '2024-01-01T00:00:00Z', '- x', 'a: b', ' lead', 'trail ', 'multi\nline\n', '"\\', '\u2028é😀');
const text = fc.oneof(tricky, fc.string({ unit: 'grapheme', maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 12 }));
// Values large enough that a few dozen items cross a batch.
const large = fc.string({ unit: 'grapheme-ascii', minLength: 2000, maxLength: 8000 });
const dnsName = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,18}[a-z0-9])?$/);
const timestamp = fc
  .date({ min: new Date('2001-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z'));

const configMap: fc.Arbitrary<KubeObject> = fc
  .record(
    {
      metadata: fc.record(
        {
          name: dnsName,
          namespace: dnsName,
          uid: fc.uuid(),
          resourceVersion: fc.nat().map(String),
          creationTimestamp: timestamp,
          labels: fc.dictionary(dnsName, text, { maxKeys: 3 }),
          annotations: fc.dictionary(text, fc.oneof(text, large), { maxKeys: 2 }),
        },
        { requiredKeys: ['name', 'namespace', 'creationTimestamp'] },
      ),
      data: fc.dictionary(text, fc.oneof({ weight: 3, arbitrary: text }, { weight: 1, arbitrary: large }), { maxKeys: 4 }),
    },
    { requiredKeys: ['metadata'] },
  )
  .map((cm) => ({ apiVersion: 'v1', kind: 'ConfigMap', ...cm }) as KubeObject);

const items = fc.oneof(fc.array(configMap, { maxLength: 6 }), fc.array(configMap, { minLength: 40, maxLength: 120 }));

const listMeta = fc.record(
  { resourceVersion: fc.nat().map(String), continue: text, remainingItemCount: fc.nat() },
  { requiredKeys: ['resourceVersion'] },
);

const FORMATS = ['json', 'yaml', 'protobuf'] as const;
const cmList = (xs: readonly KubeObject[], metadata: Record<string, unknown>): ListBody<KubeObject> => ({
  envelope: { kind: 'ConfigMapList', apiVersion: 'v1', metadata },
  key: 'items',
  items: xs,
});
const NOW = new Date('2026-01-01T00:00:00Z');

/** 400 ConfigMaps of about 1 KiB, several batches in every format. */
const many = Array.from({ length: 400 }, (_, i) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: `cm-${i}`, namespace: 'default', creationTimestamp: '2025-06-01T00:00:00Z' },
  data: { value: `é${i}`.repeat(200) },
}));

// ---------------------------------------------------------------- tests

describe('writeList writes the bytes of the one-piece writer', { timeout: 600_000 }, () => {
  beforeEach(() => {
    crossed = 0;
  });
  afterEach((t) => {
    if (!/^(empty lists|protobuf: .* fail)/.test(t.name)) assert.ok(crossed > 0, `${t.name}: no list longer than a batch`);
  });

  for (const format of FORMATS) {
    it(`a plain list, as ${format}`, async () => {
      await fc.assert(
        fc.asyncProperty(items, listMeta, async (xs, meta) => {
          await assertSameAsOnePiece(cmList(xs, meta), { format });
        }),
        { seed: SEED, numRuns: 40 },
      );
    });

    it(`PartialObjectMetadataList, as ${format}`, async () => {
      await fc.assert(
        fc.asyncProperty(items, listMeta, async (xs, meta) => {
          await assertSameAsOnePiece(partialObjectMetadataList(xs, meta), { format, as: 'PartialObjectMetadataList' });
        }),
        { seed: SEED, numRuns: 25 },
      );
    });
  }

  for (const format of ['json', 'yaml'] as const) {
    it(`a Table, as ${format}`, async () => {
      const defs = [configMaps, events] as unknown as ResourceDefinition[];
      await fc.assert(
        fc.asyncProperty(
          items,
          listMeta,
          fc.constantFrom(...defs),
          fc.constantFrom('None', 'Metadata', 'Object' as const),
          fc.boolean(),
          async (xs, meta, def, includeObject, columns) => {
            const rendering: Rendering = { format, as: 'Table', includeObject };
            const list = tableList(def, xs, meta, rendering, { now: NOW, columns });
            await assertSameAsOnePiece(list, rendering);
            // And wholeList is what toTable always made: rows last.
            const table = toTable(def, xs, meta, rendering, { now: NOW, columns });
            assert.deepEqual(Object.keys(table), ['kind', 'apiVersion', 'metadata', 'columnDefinitions', 'rows']);
          },
        ),
        { seed: SEED, numRuns: 25 },
      );
    });
  }

  it('items JSON or YAML cannot hold alone (null, undefined, scalars, arrays)', async () => {
    const element = fc.oneof(
      ...[fc.constant(null), fc.constant(undefined), text, fc.integer(), fc.constant([]), fc.constant({}), fc.array(text, { maxLength: 3 }), configMap],
      { weight: 4, arbitrary: large },
    );
    const odd = fc.oneof(fc.array(element, { maxLength: 8 }), fc.array(element, { minLength: 40, maxLength: 100 }));
    await fc.assert(
      fc.asyncProperty(odd, listMeta, async (xs, meta) => {
        const list: ListBody<unknown> = { envelope: { kind: 'ConfigMapList', apiVersion: 'v1', metadata: meta }, key: 'items', items: xs };
        await assertSameAsOnePiece(list, { format: 'json' });
        await assertSameAsOnePiece(list, { format: 'yaml' });
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('protobuf: items that do not fit fail as the one-piece encoder does, naming the field', async () => {
    const bad: unknown[] = [null, 'x', 7, [], { metadata: { name: 5 } }, { data: { k: 1 } }, { metadata: { creationTimestamp: 'yesterday' } }];
    for (const b of bad) {
      // First, in the first batch, and after a few batches.
      for (const at of [0, 3, many.length]) {
        const xs: unknown[] = [...many.slice(0, at), b, ...many.slice(at)];
        const list: ListBody<unknown> = { envelope: { kind: 'ConfigMapList', apiVersion: 'v1', metadata: {} }, key: 'items', items: xs };
        const got = await assertSameAsOnePiece(list, { format: 'protobuf' });
        assert.equal(got.status, 500);
        assert.match(got.body.toString(), new RegExp(`\\.items\\[${at}\\]`));
      }
    }
  });

  it('protobuf: list metadata that does not fit fails as the one-piece encoder does', async () => {
    const list = cmList(many, { resourceVersion: 12 });
    const got = await assertSameAsOnePiece(list, { format: 'protobuf' });
    assert.equal(got.status, 500);
  });

  it('protobuf: a kind with no protobuf form is answered in JSON', async () => {
    const xs = fc.sample(configMap, { seed: SEED, numRuns: 60 }).map((cm) => ({ ...cm, apiVersion: 'example.com/v1', kind: 'Widget' }));
    const list: ListBody<KubeObject> = { envelope: { kind: 'WidgetList', apiVersion: 'example.com/v1', metadata: {} }, key: 'items', items: xs };
    const got = await assertSameAsOnePiece(list, { format: 'protobuf' });
    assert.equal(got.contentType, 'application/json');
    assert.equal(got.body.toString(), JSON.stringify(wholeList(list)));
  });

  it('empty lists', async () => {
    for (const format of FORMATS) await assertSameAsOnePiece(cmList([], { resourceVersion: '1' }), { format });
    const yaml = await batched(cmList([], { resourceVersion: '1' }), { format: 'yaml' });
    assert.match(yaml.body.toString(), /^items: \[\]$/m);
  });
});

describe('writeList in batches', () => {
  const list = cmList(many, { resourceVersion: '9' });

  it('a long list is chunked in JSON and YAML, and has a Content-Length in protobuf; each decodes to every item', async () => {
    const json = await batched(list, { format: 'json' });
    assert.equal(json.contentLength, undefined);
    assert.deepEqual(JSON.parse(json.body.toString()), wholeList(list));
    const yaml = await batched(list, { format: 'yaml' });
    assert.equal(yaml.contentLength, undefined);
    assert.equal(yaml.body.toString(), toKubeYAML(wholeList(list)));
    const pb = await batched(list, { format: 'protobuf' });
    assert.equal(pb.contentType, 'application/vnd.kubernetes.protobuf');
    assert.ok(pb.body.length > BATCH_SIZE);
    assert.equal(pb.contentLength, String(pb.body.length));
    assert.ok(pb.body.equals(encodeProtobuf(wholeList(list))));
    const decoded = decodeProtobuf(pb.body).object as { items: { metadata: { name: string } }[] };
    assert.deepEqual(
      decoded.items.map((i) => i.metadata.name),
      many.map((i) => i.metadata.name),
    );
  });

  it('makes each row once, as it is written, unless the audit log keeps the response', async () => {
    const def = configMaps as unknown as ResourceDefinition;
    const rendering: Rendering = { format: 'json', as: 'Table', includeObject: 'Object' };
    const want = JSON.stringify(toTable(def, many, { resourceVersion: '9' }, rendering, { now: NOW }));
    for (const level of ['Metadata', 'RequestResponse'] as const) {
      let made = 0;
      const table = tableList(def, many, { resourceVersion: '9' }, rendering, { now: NOW });
      const row = table.map!;
      const counted: ListBody<KubeObject> = { ...table, map: (obj) => (made++, row(obj)) };
      const ac: AuditContext = {
        event: { level, auditID: 'a', stage: 'RequestReceived', requestURI: '/', verb: 'list', user: {}, requestReceivedTimestamp: '', stageTimestamp: '' },
        config: { level, omitStages: [], omitManagedFields: false },
        sink: { processEvent: () => undefined, close: async () => undefined },
      };
      const got = await fetch((res) => {
        setAuditContext(res.req, ac);
        return writeList(res, 200, counted, rendering);
      });
      assert.equal(got.body.toString(), want);
      if (level === 'RequestResponse') {
        assert.equal(ac.event.responseObject?.json, want);
        assert.equal(made, 2 * many.length, 'once for the log, once for the answer');
      } else {
        assert.equal(ac.event.responseObject, undefined);
        assert.equal(made, many.length);
      }
    }
  });

  it('stops making items once `signal` aborts', async () => {
    for (const format of FORMATS) {
      const abort = new AbortController();
      let made = 0;
      const big: ListBody<KubeObject> = {
        ...cmList(Array.from({ length: 20 }, () => many).flat(), {}),
        map: (x) => {
          if (++made === 500) abort.abort();
          return x;
        },
      };
      // Whoever aborts answers or cuts the response: here the test, once the writer has returned.
      answer = (res) => writeList(res, 200, big, { format }, abort.signal).finally(() => res.destroy());
      await new Promise<void>((resolve) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
          res.on('error', () => undefined);
          res.resume();
        });
        req.on('error', () => undefined);
        req.on('close', () => resolve());
      });
      assert.ok(made >= 500 && made < big.items.length, `${format}: made ${made} of ${big.items.length}`);
    }
  });
});
