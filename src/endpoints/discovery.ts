import type { Router } from 'express';
import type { APIGroupEntry } from '../server/generic-apiserver.js';

/** The discovery documents of meta/v1, in kube's JSON shapes. */

const groupVersion = (group: string, version: string) => ({ groupVersion: group ? `${group}/${version}` : version, version });

export function apiGroup(entry: APIGroupEntry) {
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name: entry.name,
    versions: entry.versions.map((v) => groupVersion(entry.name, v)),
    preferredVersion: groupVersion(entry.name, entry.preferredVersion),
  };
}

export function apiGroupList(entries: APIGroupEntry[]) {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: entries.map((e) => { const { kind: _k, apiVersion: _a, ...g } = apiGroup(e); return g; }) };
}

export function apiVersions(versions: string[], serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions,
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export interface APIResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
  shortNames?: string[];
}

export function apiResourceList(group: string, version: string, resources: APIResource[]) {
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion(group, version).groupVersion, resources };
}

/** Serves `/apis/<group>` and `/apis/<group>/<version>` for a group whose resources come later. */
export function installGroupDiscovery(router: Router, entry: APIGroupEntry, resources: (version: string) => APIResource[]): void {
  router.get(`/apis/${entry.name}`, (_req, res) => {
    res.json(apiGroup(entry));
  });
  for (const version of entry.versions) {
    router.get(`/apis/${entry.name}/${version}`, (_req, res) => {
      res.json(apiResourceList(entry.name, version, resources(version)));
    });
  }
}
