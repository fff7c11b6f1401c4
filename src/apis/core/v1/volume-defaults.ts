/**
 * kube's v1 defaults inside volumes and env sources, shared by Pods and pod
 * templates: SetDefaults_Volume (no source means an emptyDir), the 0644 modes,
 * SetDefaults_HostPathVolumeSource, SetDefaults_ServiceAccountTokenProjection
 * (one hour) and SetDefaults_ObjectFieldSelector (apiVersion v1).
 */
import { isRecord, recordsOf, type JsonObject } from './values.js';

const MODE_0644 = 0o644;
const TOKEN_SECONDS = 3600;

/** Every source a v1 volume may have (image included: it is a source for defaulting). */
export const VOLUME_SOURCE_KEYS = [
  'emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'flocker', 'persistentVolumeClaim', 'rbd', 'cinder', 'cephfs', 'quobyte', 'downwardAPI', 'fc', 'flexVolume', 'configMap',
  'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'storageos', 'projected', 'scaleIO',
  'csi', 'ephemeral', 'image',
] as const;

const absent = (v: unknown): boolean => v === undefined || v === null;

function defaultFieldRef(holder: unknown): void {
  if (isRecord(holder) && isRecord(holder.fieldRef) && !holder.fieldRef.apiVersion) holder.fieldRef.apiVersion = 'v1';
}

/** Defaults one volume in place. */
export function defaultVolume(v: JsonObject): void {
  if (VOLUME_SOURCE_KEYS.every((k) => absent(v[k]))) v.emptyDir = {};
  for (const key of ['secret', 'configMap', 'downwardAPI', 'projected'] as const) {
    const source = v[key];
    if (isRecord(source) && absent(source.defaultMode)) source.defaultMode = MODE_0644;
  }
  if (isRecord(v.hostPath) && absent(v.hostPath.type)) v.hostPath.type = '';
  if (isRecord(v.downwardAPI)) recordsOf(v.downwardAPI.items).forEach(defaultFieldRef);
  if (isRecord(v.projected)) {
    for (const source of recordsOf(v.projected.sources)) {
      if (isRecord(source.downwardAPI)) recordsOf(source.downwardAPI.items).forEach(defaultFieldRef);
      const token = source.serviceAccountToken;
      if (isRecord(token) && absent(token.expirationSeconds)) token.expirationSeconds = TOKEN_SECONDS;
    }
  }
}

/** A container's env fieldRefs get apiVersion v1. */
export function defaultEnvFieldRefs(c: JsonObject): void {
  for (const ev of recordsOf(c.env)) defaultFieldRef(ev.valueFrom);
}
