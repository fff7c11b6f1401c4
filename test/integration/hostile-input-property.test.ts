import assert from 'node:assert/strict';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { request, type Response } from '../helpers/https.js';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import {
  encode, encoding, fieldManagerParam, fieldValidation, jsonPatchOp, managedFieldsEntry, junkHeaders, junkPathSuffix, KINDS, listQuery, mutate, mutation, PATCH_CONTENT_TYPE,
  hostileValue, toJSONText, WIDGET_CRD, type Encoding, type Kind, type PatchType,
} from '../helpers/hostile-arbitraries.js';
import { startedClient, type Client } from './api-helpers.js';

/**
 * Property-based: generated malformed bodies, patches, parameters, headers
 * and paths, sent through the real HTTPS server, never get a 5xx, never crash
 * or hang it, and never leave garbage behind: every object a write accepted
 * reads back with no nulls and passes its own validation, strictly, when sent
 * back unchanged. Each property runs once with a fixed seed and once with a
 * random one; fast-check prints the seed and the shrunk counterexample of a
 * failure (rerun with FRONTDOOR_FC_SEED=<seed>).
 */
const RUNS = Number(process.env.FRONTDOOR_FC_RUNS ?? 200);
const SEEDS: { label: string; seed: number }[] = [
  { label: 'fixed seed', seed: 20261207 },
  { label: 'random seed', seed: Number(process.env.FRONTDOOR_FC_SEED ?? Math.floor(Math.random() * 2 ** 31)) },
];

describe('hostile input, property-based, over HTTPS', () => {
  let fd: Frontdoor;
  let c: Client;
  const agent = new https.Agent({ keepAlive: true, maxSockets: 4 });
  before(async () => {
    fd = await startFrontdoor();
    c = await startedClient(fd);
    // The custom resource kind's CRD first: its objects take the same paths as built-ins.
    assert.equal((await c.send('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: WIDGET_CRD })).status, 201);
    for (const k of KINDS) {
      const r = await c.send('POST', k.collection, { body: k.valid('seed') });
      assert.equal(r.status, 201, `${k.name}: ${r.body}`);
    }
  });
  after(async () => {
    agent.destroy();
    assert.deepEqual(fd.logs.filter((l) => /panic/i.test(String(l.message))).map((l) => `${l.message} ${String(l.err ?? '')}`), []);
    assert.equal(fd.proc.exitCode, null, 'the server is still running');
    await fd.stop();
  });

  const send = (method: string, path: string, opts: { body?: string; contentType?: string; headers?: Record<string, string> } = {}): Promise<Response> => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.body !== undefined) {
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(opts.body));
    }
    return request(fd.port, path, c.creds, { method, headers, body: opts.body, agent });
  };

  const noServerError = (r: Response, what: string) => {
    // kube's answer to a resourceVersion newer than the store's: a 504 with a retry hint and a cause
    // that client-go's reflector looks for (it waits and retries); the one 5xx a client may provoke.
    if (r.status === 504 && r.body.includes('"ResourceVersionTooLarge"')) return;
    // The client's own deadline (?timeout=) passing while such a list waits for the cache to catch up.
    if (r.status === 504 && /[?&]timeout=/.test(what) && /[?&]resourceVersion=\d{6,}/.test(what)) return;
    assert.ok(r.status < 500, `${what} answered ${r.status}: ${r.body.slice(0, 400)}`);
  };

  /** Deep search for null: typed decoding never leaves one in these kinds. */
  const nullPaths = (v: unknown, path = ''): string[] => {
    if (v === null) return [path || '<root>'];
    if (typeof v !== 'object') return [];
    return Object.entries(v as object).flatMap(([k, x]) => nullPaths(x, `${path}.${k}`));
  };

  /** What a successful write left: it reads back clean and is accepted again, strictly, unchanged. */
  const checkStored = async (kind: Kind, written: Response, what: string) => {
    const obj = JSON.parse(written.body) as { metadata?: { name?: string } };
    const name = obj.metadata?.name;
    assert.ok(typeof name === 'string' && name !== '', `${what}: the answer names the object`);
    const path = `${kind.collection}/${encodeURIComponent(name)}`;
    // A controller may write the object between our GET and PUT (a CRD's status): then read it again.
    for (let attempt = 1; ; attempt++) {
      const got = await send('GET', path);
      assert.equal(got.status, 200, `${what}: GET ${path}: ${got.body.slice(0, 300)}`);
      const nulls = nullPaths(JSON.parse(got.body)).filter((p) => !(kind.nullsKeptUnder ?? []).some((under) => p === under || p.startsWith(`${under}.`)));
      assert.deepEqual(nulls, [], `${what}: stored nulls: ${got.body.slice(0, 400)}`);
      const again = await send('PUT', `${path}?fieldValidation=Strict`, { body: got.body });
      if (again.status === 409 && attempt < 10) continue;
      assert.equal(again.status, 200, `${what}: the stored object, sent back unchanged, was refused: ${again.body.slice(0, 400)}\nstored: ${got.body.slice(0, 400)}`);
      return;
    }
  };

  const kind = () => fc.constantFrom(...KINDS);
  /** The autoscaling/v1 Scale of a valid object (the seed's name: a fresh name has no object to scale). */
  const scaleOf = (valid: unknown, replicas: number) => {
    const { namespace } = (valid as { metadata: { namespace?: string } }).metadata;
    return { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'seed', ...(namespace ? { namespace } : {}) }, spec: { replicas } };
  };
  const dryRun = () => fc.constantFrom('', '', '&dryRun=All', '&dryRun=bogus');

  for (const { label, seed } of SEEDS) {
    it(`create: mutated bodies in every encoding (${label} ${seed})`, async (t) => {
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(
          kind(), fc.array(mutation(), { maxLength: 3 }), encoding(), fc.string({ maxLength: 30 }), fc.nat(), fieldValidation(), dryRun(),
          async (k, mutations, enc, garbage, cut, fv, dry) => {
            const name = `p-${Math.random().toString(36).slice(2, 10)}`;
            const { text, contentType } = encode(mutate(k.valid(name), mutations), enc, garbage, cut);
            const r = await send('POST', `${k.collection}?fieldValidation=${fv}${dry}`, { body: text, contentType });
            noServerError(r, `POST ${k.name} ${text.slice(0, 200)}`);
            if (r.status === 201 && !dry) {
              accepted++;
              await checkStored(k, r, `POST ${k.name} ${text.slice(0, 200)}`);
              await send('DELETE', `${k.collection}/${encodeURIComponent((JSON.parse(r.body) as { metadata: { name: string } }).metadata.name)}`);
            }
          },
        ),
        { seed, numRuns: RUNS, includeErrorInReport: true },
      );
      // The stored-object checks ran: some of the generated bodies are acceptable once typed.
      t.diagnostic(`${accepted} of ${RUNS} creates accepted and checked`);
      assert.ok(accepted > 0);
    });

    it(`update: mutated bodies sent with PUT (${label} ${seed})`, async () => {
      await fc.assert(
        fc.asyncProperty(kind(), fc.array(mutation(), { minLength: 1, maxLength: 3 }), encoding(), fc.string({ maxLength: 30 }), fc.nat(), fieldValidation(), async (k, mutations, enc, garbage, cut, fv) => {
          const { text, contentType } = encode(mutate(k.valid('seed'), mutations), enc, garbage, cut);
          const r = await send('PUT', `${k.collection}/seed?fieldValidation=${fv}`, { body: text, contentType });
          noServerError(r, `PUT ${k.name} ${text.slice(0, 200)}`);
          if (r.status === 200) await checkStored(k, r, `PUT ${k.name} ${text.slice(0, 200)}`);
        }),
        { seed, numRuns: RUNS, includeErrorInReport: true },
      );
    });

    it(`patch: merge, strategic and JSON patches (${label} ${seed})`, async () => {
      const patchBody = fc.oneof(
        fc.tuple(fc.constantFrom<PatchType>('merge', 'strategic'), fc.array(mutation(), { minLength: 1, maxLength: 3 }), fc.constantFrom(0, 1)).map(
          ([type, mutations, base]) => ({ type, body: mutate(base === 0 ? {} : { metadata: { labels: { a: 'b' } }, data: { x: 'y' } }, mutations) }),
        ),
        fc.tuple(fc.constantFrom<PatchType>('merge', 'strategic', 'json'), hostileValue()).map(([type, body]) => ({ type, body })),
        fc.array(jsonPatchOp(), { maxLength: 4 }).map((body) => ({ type: 'json' as PatchType, body })),
      );
      await fc.assert(
        fc.asyncProperty(kind(), patchBody, fieldValidation(), fc.constantFrom('', '/status', '/scale'), async (k, { type, body }, fv, sub) => {
          const text = toJSONText(body);
          const r = await send('PATCH', `${k.collection}/seed${sub}?fieldValidation=${fv}`, { body: text, contentType: PATCH_CONTENT_TYPE[type] });
          noServerError(r, `PATCH ${type} ${k.name}${sub} ${text.slice(0, 200)}`);
          if (r.status === 200 && sub === '') await checkStored(k, r, `PATCH ${type} ${k.name} ${text.slice(0, 200)}`);
        }),
        { seed, numRuns: RUNS, includeErrorInReport: true },
      );
    });

    it(`apply: server-side apply configurations, managers and force (${label} ${seed})`, async () => {
      await fc.assert(
        fc.asyncProperty(
          kind(), fc.array(mutation(), { maxLength: 3 }), fc.constantFrom<Encoding>('json', 'yaml', 'yaml', 'truncated', 'garbage'), fc.string({ maxLength: 30 }), fc.nat(),
          fieldManagerParam(), fc.constantFrom('', '&force=true', '&force=false', '&force=maybe'), fc.constantFrom('', '', '/status', '/scale'), fieldValidation(), dryRun(), fc.boolean(),
          fc.integer({ min: -2, max: 5 }),
          async (k, mutations, enc, garbage, cut, manager, force, sub, fv, dry, fresh, replicas) => {
            const asScale = sub === '/scale' && fresh;
            const valid = k.valid(fresh && !asScale ? `a-${Math.random().toString(36).slice(2, 10)}` : 'seed');
            const name = encodeURIComponent((valid as { metadata: { name: string } }).metadata.name);
            // To /scale, half the time a Scale of the seed (what client-go's ApplyScale sends), mutated like the rest.
            const applied = asScale ? scaleOf(valid, replicas) : valid;
            const { text } = encode(mutate(applied, mutations), enc, garbage, cut);
            const type = enc === 'json' ? 'application/apply-patch+json' : 'application/apply-patch+yaml';
            const path = `${k.collection}/${name}${sub}?fieldValidation=${fv}${manager}${force}${dry}`;
            const r = await send('PATCH', path, { body: text, contentType: type });
            noServerError(r, `PATCH apply ${path} ${text.slice(0, 200)}`);
            // A Scale's answer names the object: what the apply left there must read back clean.
            if ((r.status === 200 || r.status === 201) && (sub === '' || sub === '/scale') && !dry) await checkStored(k, r, `apply ${path} ${text.slice(0, 200)}`);
            if (r.status === 201 && fresh && !asScale && !dry) await send('DELETE', `${k.collection}/${name}`);
          },
        ),
        { seed, numRuns: RUNS, includeErrorInReport: true },
      );
    });

    it(`apply to /scale: mutated Scales of the kinds that have one (${label} ${seed})`, async (t) => {
      const scaled = KINDS.filter((k) => k.name === 'Deployment' || k.name === 'Widget');
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...scaled), fc.array(mutation(), { maxLength: 3 }), fc.constantFrom<Encoding>('json', 'yaml', 'truncated', 'garbage'), fc.string({ maxLength: 30 }), fc.nat(),
          // Mostly good parameters (the apply test above covers junk ones), so that the Scale itself is what varies.
          fc.oneof({ weight: 4, arbitrary: fc.constantFrom('&fieldManager=hpa', '&fieldManager=keda') }, { weight: 1, arbitrary: fieldManagerParam() }),
          fc.constantFrom('&force=true', '&force=true', ''), fc.constantFrom('Strict', 'Warn', 'Ignore', ''), fc.constantFrom('', '', '&dryRun=All'), fc.integer({ min: -2, max: 5 }),
          async (k, mutations, enc, garbage, cut, manager, force, fv, dry, replicas) => {
            const { text } = encode(mutate(scaleOf(k.valid('seed'), replicas), mutations), enc, garbage, cut);
            const type = enc === 'json' ? 'application/apply-patch+json' : 'application/apply-patch+yaml';
            const path = `${k.collection}/seed/scale?fieldValidation=${fv}${manager}${force}${dry}`;
            const r = await send('PATCH', path, { body: text, contentType: type });
            noServerError(r, `PATCH apply ${path} ${text.slice(0, 200)}`);
            if (r.status === 200 && !dry) {
              accepted++;
              await checkStored(k, r, `apply ${path} ${text.slice(0, 200)}`);
            }
          },
        ),
        { seed, numRuns: RUNS, includeErrorInReport: true },
      );
      t.diagnostic(`${accepted} of ${RUNS} Scale applies accepted and checked`);
      assert.ok(accepted > 0);
    });

    it(`managedFields: hostile entries sent with PUT and merge patch (${label} ${seed})`, async () => {
      await fc.assert(
        fc.asyncProperty(kind(), fc.oneof(fc.array(managedFieldsEntry(), { maxLength: 3 }), hostileValue()), fc.boolean(), async (k, entries, viaPatch) => {
          const seedPath = `${k.collection}/${encodeURIComponent((k.valid('seed') as { metadata: { name: string } }).metadata.name)}`;
          const got = await send('GET', seedPath);
          assert.equal(got.status, 200);
          const obj = JSON.parse(got.body) as { metadata: Record<string, unknown> };
          obj.metadata.managedFields = entries;
          const r = viaPatch
            ? await send('PATCH', seedPath, { body: toJSONText({ metadata: { managedFields: entries } }), contentType: 'application/merge-patch+json' })
            : await send('PUT', seedPath, { body: toJSONText(obj) });
          noServerError(r, `${viaPatch ? 'PATCH' : 'PUT'} managedFields ${toJSONText(entries).slice(0, 300)}`);
          if (r.status === 200) await checkStored(k, r, `managedFields ${toJSONText(entries).slice(0, 300)}`);
        }),
        { seed, numRuns: RUNS, includeErrorInReport: true },
      );
    });

    it(`reads: lists and watches with junk parameters, headers and paths (${label} ${seed})`, async () => {
      await fc.assert(
        fc.asyncProperty(kind(), listQuery(), junkHeaders(), fc.option(junkPathSuffix(), { nil: undefined }), async (k, query, headers, suffix) => {
          const path = `${k.collection}${suffix ?? ''}${suffix?.includes('?') ? '&' : '?'}${query}`;
          const r = await send('GET', path, { headers });
          noServerError(r, `GET ${path} ${JSON.stringify(headers)}`);
        }),
        { seed, numRuns: RUNS, includeErrorInReport: true },
      );
    });
  }
});
