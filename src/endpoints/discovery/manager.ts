import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Router } from 'express';
import { apiGroup, apiGroupDiscoveryList, apiGroupList, apiResourceList, apiVersions, type GroupView } from './documents.js';
import {
  aggregatedOnly,
  aggregatedVersionOf,
  isPrettyRequest,
  negotiateMediaType,
  plainOnly,
  type MediaTypeOptions,
} from './negotiation.js';
import { BUILTIN_GROUP_PRIORITIES, compareGroups, DEFAULT_GROUP_PRIORITY, orderVersions } from './order.js';
import type { DiscoveryGroupVersion } from './types.js';
import { APISERVER_COMPONENT, claimNonResourceRequest } from '../../observability/metrics/request-metrics.js';
import { contentTypeOf, encode, writeBody, writeNotAcceptable, writeNotFound } from './write.js';

export interface DiscoveryManagerOptions {
  /** host:port clients should use, for /api's serverAddressByClientCIDRs; asked on every request. */
  serverAddress: () => string;
}

/** The aggregated document of one root, computed once per change. */
interface AggregatedCache {
  /** Quoted upper-case hex SHA-512 of the v2 JSON, as kube: one ETag for every encoding (the response says Vary: Accept). */
  etag: string;
  bodies: Map<string, string>;
}

type Root = 'api' | 'apis';

/**
 * Discovery for every group-version the chain serves: the legacy meta/v1
 * documents (/api, /apis, /apis/<g>, /api/v1, /apis/<g>/<v>) and aggregated
 * discovery (apidiscovery.k8s.io v2 and v2beta1 on /api and /apis, with ETag).
 *
 * Contract: set and remove group-versions at any time (the CRD and aggregator
 * servers do as resources come and go); every later request sees the change,
 * and the aggregated ETag changes exactly when the document does. Removing a
 * group's last version removes the group. Documents are computed lazily and
 * kept until the next change.
 */
export class DiscoveryManager {
  private readonly groups = new Map<string, Map<string, DiscoveryGroupVersion>>();
  private readonly preferred = new Map<string, string>();
  private readonly priorities = new Map<string, number>();
  private views: GroupView[] | undefined;
  private readonly aggregated = new Map<Root, AggregatedCache>();

  constructor(private readonly opts: DiscoveryManagerOptions) {}

  /** Adds or replaces a group-version. Setting what is already there changes nothing (the ETag stays). */
  setGroupVersion(gv: DiscoveryGroupVersion): void {
    const copy = structuredClone(gv);
    let versions = this.groups.get(gv.group);
    const existing = versions?.get(gv.version);
    if (existing && JSON.stringify(existing) === JSON.stringify(copy)) return;
    if (!versions) {
      versions = new Map();
      this.groups.set(gv.group, versions);
    }
    versions.set(gv.version, copy);
    this.invalidate();
  }

  /** Removes a group-version; the group goes with its last version. */
  removeGroupVersion(group: string, version: string): void {
    const versions = this.groups.get(group);
    if (!versions?.delete(version)) return;
    if (versions.size === 0) {
      this.groups.delete(group);
      this.preferred.delete(group);
    }
    this.invalidate();
  }

  /** Removes every version of a group. */
  removeGroup(group: string): void {
    if (!this.groups.delete(group)) return;
    this.preferred.delete(group);
    this.invalidate();
  }

  /**
   * Overrides kube's version order for a group: this version is listed first
   * and is the preferred one while it is served. Undefined goes back to the
   * kube-aware order (v2 > v1 > v1beta2 > v1beta1 > v1alpha1).
   */
  setPreferredVersion(group: string, version: string | undefined): void {
    if (this.preferred.get(group) === version) return;
    if (version === undefined) this.preferred.delete(group);
    else this.preferred.set(group, version);
    this.invalidate();
  }

  /** A group's GroupPriorityMinimum (an APIService's); undefined goes back to kube's table, or 1000. */
  setGroupPriority(group: string, priority: number | undefined): void {
    if (this.priorities.get(group) === priority) return;
    if (priority === undefined) this.priorities.delete(group);
    else this.priorities.set(group, priority);
    this.invalidate();
  }

  /** A copy of what is published for a group-version. */
  groupVersion(group: string, version: string): DiscoveryGroupVersion | undefined {
    const gv = this.groups.get(group)?.get(version);
    return gv && structuredClone(gv);
  }

  hasGroupVersion(group: string, version: string): boolean {
    return this.groups.get(group)?.has(version) ?? false;
  }

  // ---- handlers ----

  /** GET /api: APIVersions, or the core group's aggregated document when Accept asks for it. */
  handleApi(req: IncomingMessage, res: ServerResponse): void {
    // kube instruments its discovery roots: subresource "/api", "/apis".
    claimNonResourceRequest(req, '/api', APISERVER_COMPONENT);
    if (this.serveAggregated(req, res, 'api')) return;
    const core = this.sortedViews().find((v) => v.name === '');
    const versions = core ? core.versions.map((gv) => gv.version) : [];
    this.serveLegacy(req, res, () => apiVersions(versions, this.opts.serverAddress()));
  }

  /** GET /apis: APIGroupList, or the named groups' aggregated document when Accept asks for it. */
  handleApis(req: IncomingMessage, res: ServerResponse): void {
    claimNonResourceRequest(req, '/apis', APISERVER_COMPONENT);
    if (this.serveAggregated(req, res, 'apis')) return;
    this.serveLegacy(req, res, () => apiGroupList(this.sortedViews()));
  }

  /** GET /apis/<group>: APIGroup. An unknown group goes to `next` when given, else 404. */
  handleGroup(req: IncomingMessage, res: ServerResponse, group: string, next?: () => void): void {
    const view = group === '' ? undefined : this.sortedViews().find((v) => v.name === group);
    if (!view) {
      this.miss(req, res, next);
      return;
    }
    this.serveLegacy(req, res, () => apiGroup(view));
  }

  /** GET /api/<v> (group "") and /apis/<g>/<v>: APIResourceList. An unknown one goes to `next` when given, else 404. */
  handleGroupVersion(req: IncomingMessage, res: ServerResponse, group: string, version: string, next?: () => void): void {
    const gv = this.groups.get(group)?.get(version);
    if (!gv) {
      this.miss(req, res, next);
      return;
    }
    this.serveLegacy(req, res, () => apiResourceList(gv));
  }

  /** The five discovery routes on an express Router; misses fall through to the next server. */
  router(): Router {
    const router = Router();
    router.get('/api', (req, res) => this.handleApi(req, res));
    router.get('/apis', (req, res) => this.handleApis(req, res));
    router.get('/api/:version', (req, res, next) => this.handleGroupVersion(req, res, '', req.params.version, () => next()));
    router.get('/apis/:group', (req, res, next) => this.handleGroup(req, res, req.params.group, () => next()));
    router.get('/apis/:group/:version', (req, res, next) =>
      this.handleGroupVersion(req, res, req.params.group, req.params.version, () => next()),
    );
    return router;
  }

  // ---- internals ----

  private invalidate(): void {
    this.views = undefined;
    this.aggregated.clear();
  }

  private priorityOf = (group: string): number =>
    this.priorities.get(group) ?? BUILTIN_GROUP_PRIORITIES[group] ?? DEFAULT_GROUP_PRIORITY;

  private sortedViews(): GroupView[] {
    if (this.views) return this.views;
    const names = [...this.groups.keys()].sort((a, b) => compareGroups(this.priorityOf, a, b));
    this.views = names.map((name) => {
      const versions = this.groups.get(name)!;
      const order = orderVersions(versions.keys(), this.preferred.get(name));
      return { name, versions: order.map((v) => versions.get(v)!) };
    });
    return this.views;
  }

  private aggregatedViews(root: Root): GroupView[] {
    return this.sortedViews().filter((v) => (root === 'api' ? v.name === '' : v.name !== ''));
  }

  private aggregatedCache(root: Root): AggregatedCache {
    let cache = this.aggregated.get(root);
    if (!cache) {
      const v2 = encode(apiGroupDiscoveryList(this.aggregatedViews(root), 'v2'), 'json', false);
      const etag = `"${createHash('sha512').update(v2).digest('hex').toUpperCase()}"`;
      cache = { etag, bodies: new Map([['v2:json:false', v2]]) };
      this.aggregated.set(root, cache);
    }
    return cache;
  }

  /**
   * Answers with the aggregated document when the Accept header names it in a
   * form we serve (kube's WrapAggregatedDiscoveryToHandler); false otherwise,
   * for the legacy handler to answer.
   */
  private serveAggregated(req: IncomingMessage, res: ServerResponse, root: Root): boolean {
    const options = negotiateMediaType(req.headers.accept, aggregatedOnly);
    const version = aggregatedVersionOf(options?.convert);
    if (!options || !version) return false;
    const cache = this.aggregatedCache(root);
    const headers = { ETag: cache.etag, Vary: 'Accept', 'Cache-Control': 'public' };
    if (ifNoneMatch(req, cache.etag)) {
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      res.statusCode = 304;
      res.end();
      return true;
    }
    const pretty = options.pretty || isPrettyRequest(req);
    const key = `${version}:${options.format}:${pretty}`;
    let body = cache.bodies.get(key);
    if (body === undefined) {
      body = encode(apiGroupDiscoveryList(this.aggregatedViews(root), version), options.format, pretty);
      cache.bodies.set(key, body);
    }
    writeBody(res, 200, contentTypeOf(options), body, headers);
    return true;
  }

  /** The meta/v1 documents: JSON or YAML, no ETag (kube sends none for them), 406 for anything else. */
  private serveLegacy(req: IncomingMessage, res: ServerResponse, build: () => unknown): void {
    const options: MediaTypeOptions | undefined = negotiateMediaType(req.headers.accept, plainOnly);
    if (!options) {
      writeNotAcceptable(res);
      return;
    }
    writeBody(res, 200, contentTypeOf(options), encode(build(), options.format, options.pretty || isPrettyRequest(req)));
  }

  private miss(req: IncomingMessage, res: ServerResponse, next: (() => void) | undefined): void {
    if (next) next();
    else writeNotFound(res, (req.url ?? '').split('?')[0] ?? '');
  }
}

/** kube compares If-None-Match with the quoted ETag; a list of tags is accepted too. */
function ifNoneMatch(req: IncomingMessage, etag: string): boolean {
  const header = req.headers['if-none-match'];
  if (!header) return false;
  return header.split(',').some((tag) => tag.trim() === etag);
}
