/**
 * Long LISTs in every rendering are written in batches (responsewriters/list.ts):
 * through the real server, 300 ConfigMaps of about 1 KiB each, listed as a
 * Table, as YAML, as protobuf and as PartialObjectMetadataList in protobuf,
 * each decode to every object the JSON list holds.
 */
import assert from 'node:assert/strict';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { parse as parseYAML } from 'yaml';
import { decodeProtobuf } from '../../src/endpoints/protobuf/codec.js';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import type { ClientCreds } from '../helpers/https.js';
import { Client, configMap, type List, type Obj } from './api-helpers.js';

const NS = 'batched-lists';
const COUNT = 300;
const PATH = `/api/v1/namespaces/${NS}/configmaps`;
const PROTOBUF = 'application/vnd.kubernetes.protobuf';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET whose body is kept as bytes (protobuf). */
function getRaw(port: number, path: string, creds: ClientCreds, accept: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', port, path, ...creds, agent: false, headers: { Accept: accept } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

interface Table {
  kind: string;
  columnDefinitions: { name: string }[];
  rows: { cells: unknown[]; object?: Obj }[];
}

describe('long lists in every rendering', { timeout: 180_000 }, () => {
  let fd: Frontdoor;
  let c: Client;
  let names: string[];
  let items: Obj[];

  before(async () => {
    fd = await startFrontdoor();
    c = new Client(fd.port, fd.dataDir);
    await c.waitForDefaultNamespace();
    assert.equal((await c.post('/api/v1/namespaces', { metadata: { name: NS } })).status, 201);
    names = Array.from({ length: COUNT }, (_, i) => `cm-${String(i).padStart(3, '0')}`);
    // About 1 KiB of data each, some of it not ASCII.
    const data = (i: number) => ({ ascii: `${i}-`.repeat(128).slice(0, 512), unicode: 'é✓😀'.repeat(40) });
    for (let i = 0; i < COUNT; i += 30) {
      const created = await Promise.all(names.slice(i, i + 30).map((name, j) => c.post(PATH, configMap(name, { data: data(i + j) }))));
      for (const r of created) assert.equal(r.status, 201, r.body);
    }
    const list = (await c.get(PATH)).json<List>();
    items = list.items;
    assert.deepEqual(
      items.map((o) => o.metadata.name),
      names,
    );
  });

  after(async () => {
    await fd?.stop();
  });

  it('as a Table (kubectl get): a row per object, rows last', async () => {
    const r = await c.get(PATH, 'application/json;as=Table;v=v1;g=meta.k8s.io');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    const table = r.json<Table>();
    assert.equal(table.kind, 'Table');
    assert.deepEqual(Object.keys(table), ['kind', 'apiVersion', 'metadata', 'columnDefinitions', 'rows']);
    assert.deepEqual(
      table.columnDefinitions.map((d) => d.name),
      ['Name', 'Data', 'Age'],
    );
    assert.deepEqual(
      table.rows.map((row) => row.cells.slice(0, 2)),
      names.map((n) => [n, 2]),
    );
    assert.deepEqual(
      table.rows.map((row) => row.object?.metadata.uid),
      items.map((o) => o.metadata.uid),
    );
  });

  it('as YAML', async () => {
    const r = await c.get(PATH, 'application/yaml');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/yaml');
    const list = parseYAML(r.body, { version: '1.1' }) as List;
    assert.equal(list.kind, 'ConfigMapList');
    assert.deepEqual(list.items, items);
  });

  it('as protobuf, with its length', async () => {
    const r = await getRaw(fd.port, PATH, c.creds, PROTOBUF);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], PROTOBUF);
    assert.equal(r.headers['content-length'], String(r.body.length));
    const list = decodeProtobuf(r.body).object as unknown as List;
    assert.equal(list.kind, 'ConfigMapList');
    // Items carry no apiVersion and kind on the wire.
    assert.deepEqual(
      list.items,
      items.map(({ apiVersion: _v, kind: _k, ...rest }) => rest),
    );
  });

  it('as PartialObjectMetadataList in protobuf', async () => {
    const r = await getRaw(fd.port, PATH, c.creds, `${PROTOBUF};as=PartialObjectMetadataList;g=meta.k8s.io;v=v1`);
    assert.equal(r.status, 200);
    const list = decodeProtobuf(r.body).object as unknown as List;
    assert.equal(list.kind, 'PartialObjectMetadataList');
    assert.deepEqual(
      list.items.map((o) => o.metadata),
      items.map((o) => o.metadata),
    );
  });
});
