import assert from 'node:assert/strict';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { newCA, newServingCert } from '../dynamiccertificates/helpers.js';
import { base64, conversionCRD, convertColour, type ReviewedObject } from '../helpers/conversion-webhook.js';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { startedClient, statusOf, type Client, type List, type Obj } from './api-helpers.js';

/**
 * Property-based: whatever a CRD's conversion webhook answers (bytes that
 * are not JSON, JSON that is not a ConversionReview, an HTTP error, a
 * dropped connection, or a correct review broken in one of the ways kube
 * checks for), reads and writes in the non-storage version get kube's 500
 * "conversion webhook for <gvk> ..." Status and nothing else, and the
 * objects stored (read in the storage version, which needs no webhook)
 * never change. Each property runs once with a fixed seed and once with a
 * random one; fast-check prints the seed and the shrunk answer of a
 * failure (rerun with FRONTDOOR_FC_SEED=<seed>).
 */
const RUNS = Number(process.env.FRONTDOOR_FC_RUNS ?? 60);
const SEEDS: { label: string; seed: number }[] = [
  { label: 'fixed seed', seed: 20261207 },
  { label: 'random seed', seed: Number(process.env.FRONTDOOR_FC_SEED ?? Math.floor(Math.random() * 2 ** 31)) },
];

const GROUP = 'convprop.example.com';
const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const NAMES = ['p0', 'p1', 'p2'];
const path = (version: string, name = '') => `/apis/${GROUP}/${version}/namespaces/default/gadgets${name ? `/${name}` : ''}`;
const FAILURE = new RegExp(`^conversion webhook for ${GROUP.replaceAll('.', '\\.')}/v1(alpha1)?, Kind=Gadget (failed: |returned )`);
/**
 * kube passes Unstructured's decoding error of a single converted object on
 * bare (webhook_converter.go: `return nil, err`), without the prefix.
 */
const SINGLE_DECODE_FAILURE = /^(json: cannot unmarshal (string|number|bool|array) into Go value of type map\[string\]interface \{\}|unexpected end of JSON input|Object 'Kind' is missing in '.*')$/s;

interface Review {
  apiVersion: string;
  request: { uid: string; desiredAPIVersion: string; objects: ReviewedObject[] };
}

/** What the webhook does with one review: answer with a status and body, or drop the connection. */
type Answer = { drop: true } | { status: number; body: string | Buffer };

/** The correct answer to a review, as a JSON object (the breakages start from it). */
function correct(review: Review) {
  return {
    apiVersion: review.apiVersion,
    kind: 'ConversionReview',
    response: { uid: review.request.uid, result: { status: 'Success' }, convertedObjects: review.request.objects.map((o) => convertColour(o, review.request.desiredAPIVersion)) },
  };
}

type Breakage = (r: ReturnType<typeof correct>, review: Review) => unknown;

/** Names a generated function in fast-check's counterexamples. */
function labelled<F extends object>(text: string, f: F): F {
  return Object.assign(f, { [fc.toStringMethod]: () => text });
}

const anyJSON = fc.jsonValue({ maxDepth: 3 });
const nonEmpty = fc.string({ minLength: 1, maxLength: 12 });

/** One way a correct answer is broken, each a failure kube's checks find. */
const breakage: fc.Arbitrary<Breakage> = fc.oneof(
  nonEmpty.map((uid): Breakage => labelled(`uid ${uid}-not-the-uid`, (r) => ({ ...r, response: { ...r.response, uid: `${uid}-not-the-uid` } }))),
  fc.constant<Breakage>(labelled('no uid', (r) => ({ ...r, response: { ...r.response, uid: undefined } }))),
  fc.integer({ min: 1, max: 3 }).map((n): Breakage => labelled(`${n} objects fewer`, (r) => ({ ...r, response: { ...r.response, convertedObjects: r.response.convertedObjects.slice(n) } }))),
  fc.integer({ min: 1, max: 3 }).map((n): Breakage => labelled(`${n + 1} objects more`, (r) => ({ ...r, response: { ...r.response, convertedObjects: [...r.response.convertedObjects, ...r.response.convertedObjects.slice(0, 1).concat(Array(n).fill({}))] } }))),
  anyJSON.map((v): Breakage => labelled(`convertedObjects ${JSON.stringify(v)}`, (r) => ({ ...r, response: { ...r.response, convertedObjects: v } }))),
  anyJSON.map((v): Breakage => labelled(`response ${JSON.stringify(v)}`, (r) => ({ ...r, response: v }))),
  fc.record({ status: fc.constantFrom('Failure', '', 'success', 'Unknown'), message: fc.string({ maxLength: 20 }) })
    .map(({ status, message }): Breakage => labelled(`result ${status} ${JSON.stringify(message)}`, (r) => ({ ...r, response: { ...r.response, result: { status, message } } }))),
  fc.constantFrom('apiextensions.k8s.io/v2', 'v1', '', 'apiextensions.k8s.io/v1beta2').map((v): Breakage => labelled(`review apiVersion ${v}`, (r) => ({ ...r, apiVersion: v }))),
  fc.constantFrom('apiVersion', 'kind', 'name', 'namespace', 'uid').chain((field) => nonEmpty.map((value): Breakage => labelled(`${field} changed by ${JSON.stringify(value)}`, (r) => ({
    ...r,
    response: {
      ...r.response,
      convertedObjects: r.response.convertedObjects.map((o, i) => {
        if (i !== 0) return o;
        if (field === 'apiVersion' || field === 'kind') return { ...o, [field]: `${String(o[field])}x${value}` };
        return { ...o, metadata: { ...o.metadata, [field]: `${String(o.metadata[field] ?? '')}x${value}` } };
      }),
    },
  })))),
  anyJSON.filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)).map((v): Breakage => labelled(`metadata ${JSON.stringify(v)}`, (r) => ({
    ...r,
    response: { ...r.response, convertedObjects: r.response.convertedObjects.map((o, i) => (i === 0 ? { ...o, metadata: v } : o)) },
  }))),
  fc.dictionary(fc.string({ maxLength: 8 }), anyJSON.filter((v) => typeof v !== 'string'), { minKeys: 1, maxKeys: 3 }).map((labels): Breakage => labelled(`labels ${JSON.stringify(labels)}`, (r) => ({
    ...r,
    response: { ...r.response, convertedObjects: r.response.convertedObjects.map((o, i) => (i === 0 ? { ...o, metadata: { ...o.metadata, labels } } : o)) },
  }))),
);

/** An answer the webhook gives, as a function of the review it got. */
const answer: fc.Arbitrary<(review: Review) => Answer> = fc.oneof(
  fc.string({ maxLength: 64 }).filter((s) => { try { JSON.parse(s); return false; } catch { return true; } }).map((body) => labelled(`200 ${JSON.stringify(body)}`, () => ({ status: 200, body }))),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => labelled(`200 bytes ${Buffer.from(bytes).toString('hex')}`, () => ({ status: 200, body: Buffer.from(bytes) }))),
  anyJSON.map((v) => labelled(`200 JSON ${JSON.stringify(v)}`, () => ({ status: 200, body: JSON.stringify(v) }))),
  fc.record({ status: fc.integer({ min: 300, max: 599 }), body: fc.string({ maxLength: 32 }) }).map((a) => labelled(`${a.status} ${JSON.stringify(a.body)}`, () => a)),
  fc.constant(labelled('connection dropped', () => ({ drop: true as const }))),
  breakage.map((broken) => labelled(fc.stringify(broken), (review: Review) => ({ status: 200, body: JSON.stringify(broken(correct(review), review)) }))),
);

describe('CRD conversion webhook answers, property-based, over HTTPS', () => {
  const ca = newCA('convprop-ca');
  const cert = newServingCert(ca, '127.0.0.1', ['localhost']);
  let respond: (review: Review) => Answer = (review) => ({ status: 200, body: JSON.stringify(correct(review)) });
  const hook = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const a = respond(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Review);
      if ('drop' in a) {
        req.socket.destroy();
        return;
      }
      res.statusCode = a.status;
      res.setHeader('Content-Type', 'application/json');
      res.end(a.body);
    });
  });
  let fd: Frontdoor;
  let c: Client;
  /** The stored objects as the storage version reads them (no webhook involved). */
  let stored = '';
  const storedNow = async (): Promise<string> => {
    const r = await c.get(path('v1'));
    assert.equal(r.status, 200, r.body);
    return JSON.stringify(r.json<List>().items.map((o) => ({ name: o.metadata.name, rv: o.metadata.resourceVersion, spec: o.spec, labels: o.metadata.labels ?? null })));
  };

  before(async () => {
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const port = (hook.address() as AddressInfo).port;
    fd = await startFrontdoor();
    c = await startedClient(fd);
    const crd = conversionCRD(GROUP, 'gadgets', 'Gadget', { url: `https://localhost:${port}/convert`, caBundle: base64(ca.certPem) });
    assert.equal((await c.post(CRDS, crd)).status, 201);
    for (const name of NAMES) {
      const r = await c.post(path('v1'), { apiVersion: `${GROUP}/v1`, kind: 'Gadget', metadata: { name }, spec: { color: `c-${name}` } });
      assert.equal(r.status, 201, r.body);
    }
    stored = await storedNow();
  });
  after(async () => {
    const closed = new Promise<void>((resolve) => hook.close(() => resolve()));
    hook.closeAllConnections();
    await fd?.stop();
    await closed;
  });

  /** The one answer allowed: kube's 500 Status naming the conversion webhook. */
  const isConversionFailure = (r: { status: number; body: string }, what: string) => {
    assert.equal(r.status, 500, `${what}: ${r.body}`);
    const s = statusOf(r as never);
    assert.equal(s.kind, 'Status', what);
    // kube's ErrorToAPIStatus of a plain error: code 500, reason StatusReasonUnknown ("").
    assert.equal(s.code, 500, what);
    assert.equal(s.reason ?? '', '', what);
    if (!(what !== 'LIST' && SINGLE_DECODE_FAILURE.test(s.message))) assert.match(s.message, FAILURE, what);
  };

  const property = (seed: number) =>
    fc.asyncProperty(answer, fc.constantFrom(...NAMES), fc.string({ maxLength: 8 }), async (respondWith, name, colour) => {
      respond = respondWith;
      isConversionFailure(await c.get(path('v1alpha1', name)), 'GET one');
      isConversionFailure(await c.get(path('v1alpha1')), 'LIST');
      const current = (await c.get(path('v1', name))).json<Obj>();
      const update = { apiVersion: `${GROUP}/v1alpha1`, kind: 'Gadget', metadata: { name, resourceVersion: current.metadata.resourceVersion }, spec: { colour } };
      isConversionFailure(await c.put(path('v1alpha1', name), update), 'PUT');
      isConversionFailure(await c.post(path('v1alpha1'), { apiVersion: `${GROUP}/v1alpha1`, kind: 'Gadget', metadata: { name: `new-${seed}` }, spec: { colour } }), 'POST');
      assert.equal(await storedNow(), stored, 'stored objects unchanged');
    });

  for (const { label, seed } of SEEDS) {
    it(`answers every broken conversion with kube's 500 and changes nothing stored (${label} ${seed})`, { timeout: 600_000 }, async () => {
      await fc.assert(property(seed), { numRuns: RUNS, seed, endOnFailure: true, includeErrorInReport: true });
    });
  }

  it('still converts once the webhook answers correctly, and is ready', async () => {
    respond = (review) => ({ status: 200, body: JSON.stringify(correct(review)) });
    const r = await c.get(path('v1alpha1', 'p0'));
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(r.json<Obj>().spec, { colour: 'c-p0' });
    assert.equal((await c.get('/readyz')).status, 200);
  });
});
