import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { buildV2, buildV3, RuntimeModels, type DocumentInput } from './documents.js';
import { discoveryPath, groupVersionKey, resourceListPath, resourcePaths, type OpenAPIResource, type PathSpec } from './paths.js';
import { encodeSwaggerProtobuf, PROTOBUF_V2_MEDIA_TYPE } from './protobuf-v2.js';
import { DefinitionCatalog } from './schema.js';

export type { OpenAPIResource } from './paths.js';

export interface OpenAPIServiceOptions {
  now?: () => Date;
  /** info.version of the documents: the gitVersion the server reports. */
  version?: string;
}

interface Rendered {
  body: Buffer;
  /** kube's hash: upper-case hex SHA-512 of the bytes; also the ETag, quoted. */
  hash: string;
  lastModified: Date;
}

const JSON_TYPE = 'application/json';
/** The protobuf encodings kube-openapi offers; recognised so that they are refused, not mistaken for JSON. */
const PROTOBUF_V2 = ['application/com.github.proto-openapi.spec.v2@v1.0+protobuf', 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf'];
const PROTOBUF_V3 = ['application/com.github.proto-openapi.spec.v3@v1.0+protobuf', 'application/com.github.proto-openapi.spec.v3.v1.0+protobuf'];
const V3_PREFIX = '/openapi/v3/';

/**
 * /openapi/v2 and /openapi/v3, as kube-openapi's handlers serve them, for the
 * resources currently served. Documents are built on first request after a
 * change and cached until the next setResources; a rebuild of the same set
 * gives the same bytes, so hashes and ETags stay put.
 */
export class OpenAPIService {
  private readonly now: () => Date;
  private readonly version: string;
  private readonly catalog = new DefinitionCatalog();
  private resources: OpenAPIResource[] = [];
  /** Documents of group-versions served by backends, by v3 key ("apis/<g>/<v>"). */
  private readonly remote = new Map<string, { v3?: Buffer; v2?: Record<string, unknown>; hash: string }>();
  private runtime = new RuntimeModels([]);
  private v2?: { doc: Record<string, unknown>; json: Rendered; protobuf?: Rendered };
  private v3?: { docs: Map<string, V3Entry>; index: Rendered };
  /** v3 documents by key, with what they were built from: a change elsewhere does not rebuild them (1,000 CRDs, one added). */
  private v3Built = new Map<string, V3Entry>();

  constructor(opts: OpenAPIServiceOptions = {}) {
    this.now = opts.now ?? (() => new Date());
    this.version = opts.version ?? 'v1.32.0';
  }

  /**
   * A group-version served by another server (an APIService's backend): its
   * own v3 document is served as sent, and its v2 paths and definitions join
   * /openapi/v2 (those not already there). Undefined removes it. A backend
   * that cannot be asked keeps its last documents: the caller simply does not
   * call this.
   */
  setRemote(group: string, version: string, docs: RemoteOpenAPI | undefined): void {
    const key = groupVersionKey(group, version);
    if (docs) this.remote.set(key, { v3: docs.v3, v2: docs.v2, hash: docs.v3 ? createHash('sha512').update(docs.v3).digest('hex').toUpperCase() : '' });
    else if (!this.remote.delete(key)) return;
    this.v2 = undefined;
    this.v3 = undefined;
  }

  /** Replaces the served set; the documents follow on their next request. */
  setResources(resources: OpenAPIResource[]): void {
    this.resources = resources.map((r) => ({ ...r, verbs: [...r.verbs], subresources: [...r.subresources] }));
    this.runtime = new RuntimeModels(this.resources);
    this.v2 = undefined;
    this.v3 = undefined;
  }

  handleV2(req: Request, res: Response): void {
    const format = negotiate(req.get('accept'), PROTOBUF_V2);
    res.vary('Accept');
    if (!format) {
      res.status(406).end();
      return;
    }
    const v2 = (this.v2 ??= this.renderV2());
    if (format === 'json') send(req, res, v2.json, 'no-cache, private');
    // Made on first request: most clients read the JSON or v3 documents.
    else send(req, res, (v2.protobuf ??= this.render(encodeSwaggerProtobuf(v2.doc))), 'no-cache, private', PROTOBUF_V2_MEDIA_TYPE);
  }

  private renderV2(): { doc: Record<string, unknown>; json: Rendered; protobuf?: Rendered } {
    const doc = buildV2(this.input(this.allPaths()));
    // Backends' paths and definitions, where ours do not already say them (kube's merge keeps the first).
    for (const { v2 } of this.remote.values()) {
      if (!v2) continue;
      for (const section of ['paths', 'definitions'] as const) {
        const mine = doc[section] as Record<string, unknown>;
        const theirs = v2[section];
        if (typeof theirs !== 'object' || theirs === null || Array.isArray(theirs)) continue;
        for (const [k, v] of Object.entries(theirs)) if (!Object.hasOwn(mine, k)) mine[k] = v;
      }
    }
    return { doc, json: this.render(doc) };
  }

  handleV3Index(req: Request, res: Response): void {
    send(req, res, this.v3Documents().index, 'no-cache, private');
  }

  handleV3GroupVersion(req: Request, res: Response): void {
    const path = new URL(req.originalUrl || req.url, 'http://local').pathname;
    const at = path.indexOf(V3_PREFIX);
    const key = (at >= 0 ? path.slice(at + V3_PREFIX.length) : '').replace(/\/+$/, '');
    const found = this.v3Documents().docs.get(key);
    if (!found) {
      notFound(res);
      return;
    }
    res.vary('Accept');
    if (!acceptsJSON(req.get('accept'), PROTOBUF_V3)) {
      res.status(406).end();
      return;
    }
    const hash = typeof req.query.hash === 'string' ? req.query.hash : '';
    if (hash !== '' && hash !== found.hash) {
      // A stale hash: send the client to the current document, as kube does.
      res.redirect(301, serverRelativeURL(key, found.hash));
      return;
    }
    const doc = this.v3Document(found);
    if (hash !== '') {
      res.set('Expires', new Date(this.now().getTime() + 365 * 24 * 3600 * 1000).toUTCString());
      send(req, res, doc, 'public, immutable');
      return;
    }
    send(req, res, doc, 'no-cache, private');
  }

  private input(paths: PathSpec[]): DocumentInput {
    // Built-in group-versions only, as kube's scheme registers them: adding a CRD changes no other document.
    const gvs = new Map(this.resources.filter((r) => !r.models).map((r) => [`${r.group}/${r.version}`, { group: r.group, version: r.version }]));
    return { catalog: this.catalog, paths, servedGroupVersions: [...gvs.values()], version: this.version, runtime: this.runtime };
  }

  private groupVersions(): Map<string, { group: string; version: string; resources: OpenAPIResource[] }> {
    const out = new Map<string, { group: string; version: string; resources: OpenAPIResource[] }>();
    for (const r of this.resources) {
      const key = groupVersionKey(r.group, r.version);
      const gv = out.get(key) ?? { group: r.group, version: r.version, resources: [] };
      gv.resources.push(r);
      out.set(key, gv);
    }
    return out;
  }

  private allPaths(): PathSpec[] {
    const paths: PathSpec[] = [discoveryPath('api'), discoveryPath('apis')];
    const groups = new Set<string>();
    for (const gv of this.groupVersions().values()) {
      paths.push(resourceListPath(gv.group, gv.version), ...gv.resources.flatMap(resourcePaths));
      if (gv.group !== '') groups.add(gv.group);
    }
    for (const group of groups) paths.push(discoveryPath({ group }));
    return paths;
  }

  /**
   * The v3 index and its documents. A document's hash is taken over what it is
   * built from (resources, models, version), not over its bytes: the index of
   * 1,000 group-versions then needs no document rendered, and each is rendered
   * when first asked for. The hash changes exactly when that input does.
   */
  private v3Documents(): { docs: Map<string, V3Entry>; index: Rendered } {
    if (this.v3) return this.v3;
    const docs = new Map<string, V3Entry>();
    // Every document lists the built-in group-versions' DeleteOptions and WatchEvent kinds, so those are part of what each is built from.
    const served = this.input([]).servedGroupVersions.map((gv) => `${gv.group}/${gv.version}`).sort().join(',');
    const entry = (key: string, paths: () => PathSpec[], given: OpenAPIResource[] = []) => {
      // In a fixed order: the same resources give the same hash however they were listed.
      const resources = [...given].sort((a, b) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0));
      const from = `${this.version}|${key}|${served}|${JSON.stringify(resources)}|${resources.map((r) => (r.models ? identity(r.models) : 0)).join(',')}`;
      const old = this.v3Built.get(key);
      docs.set(key, old && old.from === from ? old : { from, hash: createHash('sha512').update(from).digest('hex').toUpperCase(), paths });
    };
    entry('api', () => [discoveryPath('api')]);
    entry('apis', () => [discoveryPath('apis')]);
    const groups = new Set<string>();
    for (const [key, gv] of this.groupVersions()) {
      entry(key, () => [resourceListPath(gv.group, gv.version), ...gv.resources.flatMap(resourcePaths)], gv.resources);
      if (gv.group !== '') groups.add(gv.group);
    }
    for (const group of groups) entry(`apis/${group}`, () => [discoveryPath({ group })]);
    // A backend's own document, as it sent it (a remote group-version is not served here).
    for (const [key, r] of this.remote) {
      if (!r.v3) continue;
      docs.set(key, { from: `remote|${r.hash}`, hash: r.hash, paths: () => [], doc: { body: r.v3, hash: r.hash, lastModified: this.now() } });
    }
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const key of [...docs.keys()].sort()) paths[key] = { serverRelativeURL: serverRelativeURL(key, docs.get(key)!.hash) };
    this.v3Built = docs;
    this.v3 = { docs, index: this.render({ paths }) };
    return this.v3;
  }

  /** A v3 document, rendered on first request; its hash is its entry's. */
  private v3Document(e: V3Entry): Rendered {
    e.doc ??= { ...this.render(buildV3(this.input(e.paths()))), hash: e.hash };
    return e.doc;
  }

  private render(doc: unknown): Rendered {
    const body = Buffer.isBuffer(doc) ? doc : Buffer.from(JSON.stringify(doc));
    return { body, hash: createHash('sha512').update(body).digest('hex').toUpperCase(), lastModified: this.now() };
  }
}

/** What a backend serves of its group-version: its v3 document (bytes as sent) and its v2 document (parsed). */
export interface RemoteOpenAPI {
  v3?: Buffer;
  v2?: Record<string, unknown>;
}

/** One /openapi/v3 document: what it is built from, its hash over that, and its bytes once asked for. */
interface V3Entry {
  from: string;
  hash: string;
  paths: () => PathSpec[];
  doc?: Rendered;
}

/** A number per models function: a re-installed resource has a new one, so its document is rebuilt. */
const identities = new WeakMap<object, number>();
let nextIdentity = 1;
function identity(f: object): number {
  let id = identities.get(f);
  if (id === undefined) identities.set(f, (id = nextIdentity++));
  return id;
}

export const serverRelativeURL = (key: string, hash: string): string => `/openapi/v3/${key}?hash=${encodeURIComponent(hash)}`;

/** Whether the Accept header takes JSON before (or instead of) anything we cannot send. */
function acceptsJSON(accept: string | undefined, unsupported: string[]): boolean {
  return negotiate(accept, unsupported, false) === 'json';
}

/** JSON or protobuf, whichever the Accept header prefers of those offered; undefined: neither (406). */
function negotiate(accept: string | undefined, protobufTypes: string[], offerProtobuf = true): 'json' | 'protobuf' | undefined {
  const clauses = (accept && accept.trim() !== '' ? accept : '*/*')
    .split(',')
    .map((c, i) => {
      const [type = '', ...params] = c.split(';').map((s) => s.trim());
      const qp = params.find((p) => p.startsWith('q='));
      return { type: type.toLowerCase(), q: qp ? Number(qp.slice(2)) : 1, i };
    })
    .filter((c) => c.type !== '' && c.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { type } of clauses) {
    if (type === JSON_TYPE || type === 'application/*' || type === '*/*') return 'json';
    if (offerProtobuf && protobufTypes.includes(type)) return 'protobuf';
  }
  return undefined;
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

function send(req: Request, res: Response, doc: Rendered, cacheControl: string, contentType = JSON_TYPE): void {
  const etag = `"${doc.hash}"`;
  res.set('ETag', etag);
  res.set('Cache-Control', cacheControl);
  res.set('Last-Modified', doc.lastModified.toUTCString());
  if (etagMatches(req.get('if-none-match'), etag)) {
    res.status(304).end();
    return;
  }
  // setHeader, not res.set: express would append a charset that kube does not send.
  res.setHeader('Content-Type', contentType);
  res.status(200).end(doc.body);
}

function notFound(res: Response): void {
  res.status(404).json({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server could not find the requested resource',
    reason: 'NotFound',
    details: {},
    code: 404,
  });
}
