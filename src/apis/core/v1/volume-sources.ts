/**
 * kube's validateVolumeSource (1.32): a volume has exactly one source, checked
 * in kube's order (the first one set wins, each later one is "more than 1"),
 * and each common source's own rules. Cloud and legacy in-tree sources get
 * kube's required-field checks only.
 */
import * as field from '../../../apimachinery/validation/field-error.js';
import type { FieldPath } from '../../../apimachinery/validation/path.js';
import { isDNS1123Label, nameIsDNSSubdomain } from '../../../apimachinery/validation/names.js';
import { validateLabels } from '../../../apimachinery/validation/labels.js';
import { validateAnnotations } from '../../../apimachinery/validation/metadata-fields.js';
import { QuantityParseError, isNegativeQuantity, parseQuantity, quantityText } from './quantity.js';
import {
  validateDownwardAPIVolume,
  validateLocalDescendingPath,
  validateObjectVolume,
  validatePathNoBacksteps,
  validateProjectedVolume,
} from './volume-files.js';
import { isRecord, stringMapOf, stringOf, type JsonObject } from './values.js';

// Sorted, as kube lists its sets.
const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];
const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const MAX_CSI_DRIVER_NAME = 63;

/**
 * ObjectMeta's other fields in Go's order, as JSON key and the name kube
 * reports (the Go field name, first letter lowered: `uID`).
 */
const TEMPLATE_META_FORBIDDEN: ReadonlyArray<[string, string]> = [
  ['name', 'name'], ['generateName', 'generateName'], ['namespace', 'namespace'], ['selfLink', 'selfLink'], ['uid', 'uID'],
  ['resourceVersion', 'resourceVersion'], ['generation', 'generation'], ['creationTimestamp', 'creationTimestamp'],
  ['deletionTimestamp', 'deletionTimestamp'], ['deletionGracePeriodSeconds', 'deletionGracePeriodSeconds'],
  ['ownerReferences', 'ownerReferences'], ['finalizers', 'finalizers'], ['managedFields', 'managedFields'],
];

/** Go's "differs from the zero value", for JSON. */
const isNonZero = (v: unknown): boolean =>
  v !== undefined && v !== null && v !== '' && v !== 0 && v !== false && !(Array.isArray(v) && v.length === 0);

type SourceCheck = (src: JsonObject, path: FieldPath) => field.FieldError[];

const isSet = (v: unknown): boolean => v !== undefined && v !== null;
const filled = (v: unknown): boolean => (Array.isArray(v) ? v.length > 0 : typeof v === 'string' && v !== '');

/** Required fields, each with kube's detail (most have none). */
const requires =
  (...fields: Array<string | [string, string]>): SourceCheck =>
  (src, path) =>
    fields.flatMap((f) => {
      const [name, detail] = typeof f === 'string' ? [f, ''] : f;
      return filled(src[name]) ? [] : [field.required(path.child(name), detail)];
    });

function validateEmptyDir(src: JsonObject, path: FieldPath): field.FieldError[] {
  if (!isSet(src.sizeLimit)) return [];
  const p = path.child('sizeLimit');
  const text = quantityText(src.sizeLimit);
  try {
    if (text === undefined || !isNegativeQuantity(parseQuantity(text))) return [];
  } catch (err) {
    // Kube's decoder refuses a malformed quantity (a 400); with no decoder here it is a field error.
    if (!(err instanceof QuantityParseError)) throw err;
    return [field.invalid(p, src.sizeLimit, err.message)];
  }
  return [field.forbidden(p, 'SizeLimit field must be a valid resource quantity')];
}

function validateHostPath(src: JsonObject, path: FieldPath): field.FieldError[] {
  const hostPath = stringOf(src.path);
  if (!hostPath) return [field.required(path.child('path'))];
  const errs = validatePathNoBacksteps(hostPath, path.child('path'));
  if (isSet(src.type) && !HOST_PATH_TYPES.includes(stringOf(src.type))) {
    errs.push(field.notSupported(path.child('type'), src.type, HOST_PATH_TYPES));
  }
  return errs;
}

function validateNFS(src: JsonObject, path: FieldPath): field.FieldError[] {
  const errs = requires('server', 'path')(src, path);
  const nfsPath = stringOf(src.path);
  if (!nfsPath.startsWith('/')) errs.push(field.invalid(path.child('path'), nfsPath, 'must be an absolute path'));
  return errs;
}

/** kube's ValidateCSIDriverName plus the node-publish secret's name. */
function validateCSI(src: JsonObject, path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const driver = stringOf(src.driver);
  const p = path.child('driver');
  if (!driver) errs.push(field.required(p));
  if (driver.length > MAX_CSI_DRIVER_NAME) errs.push(field.tooLong(p, MAX_CSI_DRIVER_NAME));
  errs.push(...nameIsDNSSubdomain(driver.toLowerCase(), false).map((msg) => field.invalid(p, driver, msg)));
  if (isSet(src.nodePublishSecretRef)) {
    const name = isRecord(src.nodePublishSecretRef) ? stringOf(src.nodePublishSecretRef.name) : '';
    if (!name) errs.push(field.required(path.child('nodePublishSecretRef', 'name')));
    // kube reports a bad secret name at csi.name.
    else errs.push(...nameIsDNSSubdomain(name, false).map((msg) => field.invalid(path.child('name'), name, msg)));
  }
  return errs;
}

/**
 * kube's validateEphemeralVolumeSource: a claim template whose metadata has
 * only labels and annotations, and a claim spec with access modes (kube's,
 * ReadWriteOncePod alone) and a storage request. Other claim-spec rules are not checked here.
 */
function validateEphemeral(src: JsonObject, path: FieldPath): field.FieldError[] {
  const p = path.child('volumeClaimTemplate');
  if (!isSet(src.volumeClaimTemplate)) return [field.required(p)];
  const template = isRecord(src.volumeClaimTemplate) ? src.volumeClaimTemplate : {};
  const meta = isRecord(template.metadata) ? template.metadata : {};
  const errs = [...validateAnnotations(stringMapOf(meta.annotations), p.child('metadata', 'annotations')), ...validateLabels(stringMapOf(meta.labels), p.child('metadata', 'labels'))];
  for (const [key, goName] of TEMPLATE_META_FORBIDDEN) {
    if (isNonZero(meta[key])) errs.push(field.forbidden(p.child('metadata', goName), 'cannot be set'));
  }
  const spec = isRecord(template.spec) ? template.spec : {};
  const modes = Array.isArray(spec.accessModes) ? spec.accessModes : [];
  if (modes.length === 0) errs.push(field.required(p.child('spec', 'accessModes'), 'at least 1 access mode is required'));
  for (const mode of modes) {
    if (typeof mode !== 'string' || !ACCESS_MODES.includes(mode)) errs.push(field.notSupported(p.child('spec', 'accessModes'), mode, ACCESS_MODES));
  }
  const onePod = modes.includes('ReadWriteOncePod');
  if (onePod && modes.some((m) => m !== 'ReadWriteOncePod' && ACCESS_MODES.includes(m as string))) {
    errs.push(field.forbidden(p.child('spec', 'accessModes'), 'may not use ReadWriteOncePod with other access modes'));
  }
  const resources = isRecord(spec.resources) ? spec.resources : {};
  const requests = isRecord(resources.requests) ? resources.requests : {};
  if (!isSet(requests.storage)) errs.push(field.required(p.child('spec', 'resources').key('storage')));
  return errs;
}

const validateGitRepo: SourceCheck = (src, path) => [
  ...requires('repository')(src, path),
  ...validateLocalDescendingPath(stringOf(src.directory), path.child('directory')),
];

function validateFlocker(src: JsonObject, path: FieldPath): field.FieldError[] {
  const name = stringOf(src.datasetName);
  const uuid = stringOf(src.datasetUUID);
  const errs: field.FieldError[] = [];
  if (!name && !uuid) errs.push(field.required(path, 'one of datasetName and datasetUUID is required'));
  if (name && uuid) errs.push(field.invalid(path, 'resource', 'datasetName and datasetUUID can not be specified simultaneously'));
  if (name.includes('/')) errs.push(field.invalid(path.child('datasetName'), name, "must not contain '/'"));
  return errs;
}

function validateFC(src: JsonObject, path: FieldPath): field.FieldError[] {
  const wwns = filled(src.targetWWNs);
  const wwids = filled(src.wwids);
  const errs: field.FieldError[] = [];
  if (!wwns && !wwids) errs.push(field.required(path.child('targetWWNs'), 'must specify either targetWWNs or wwids, but not both'));
  if (wwns && wwids) errs.push(field.invalid(path.child('targetWWNs'), src.targetWWNs, 'targetWWNs and wwids can not be specified simultaneously'));
  if (wwns && !isSet(src.lun)) errs.push(field.required(path.child('lun'), 'lun is required if targetWWNs is specified'));
  return errs;
}

/**
 * kube's sources in kube's order: the JSON key, the path kube reports a
 * second source at (kube's own spelling, typos included), the path its own
 * checks use, and those checks.
 */
const SOURCES: ReadonlyArray<{ key: string; extraAt?: string; at?: string; check: SourceCheck }> = [
  { key: 'emptyDir', check: validateEmptyDir },
  { key: 'hostPath', check: validateHostPath },
  { key: 'gitRepo', check: validateGitRepo },
  { key: 'gcePersistentDisk', at: 'persistentDisk', check: requires('pdName') },
  { key: 'awsElasticBlockStore', check: requires('volumeID') },
  { key: 'secret', check: (s, p) => validateObjectVolume(s, 'secretName', p) },
  { key: 'nfs', check: validateNFS },
  { key: 'iscsi', check: requires('targetPortal', 'iqn') },
  { key: 'glusterfs', check: requires('endpoints', 'path') },
  { key: 'flocker', check: validateFlocker },
  { key: 'persistentVolumeClaim', check: requires('claimName') },
  { key: 'rbd', check: requires('monitors', 'image') },
  { key: 'cinder', check: requires('volumeID') },
  { key: 'cephfs', extraAt: 'cephFS', check: requires('monitors') },
  { key: 'quobyte', check: requires(['registry', 'must be a host:port pair or multiple pairs separated by commas'], 'volume') },
  { key: 'downwardAPI', extraAt: 'downwarAPI', check: validateDownwardAPIVolume },
  { key: 'fc', check: validateFC },
  { key: 'flexVolume', check: requires('driver') },
  { key: 'configMap', check: (s, p) => validateObjectVolume(s, 'name', p) },
  { key: 'azureFile', check: requires('secretName', 'shareName') },
  { key: 'vsphereVolume', check: requires('volumePath') },
  { key: 'photonPersistentDisk', check: requires('pdID') },
  { key: 'portworxVolume', check: requires('volumeID') },
  { key: 'azureDisk', check: requires('diskName', 'diskURI') },
  { key: 'storageos', check: requires('volumeName') },
  { key: 'projected', check: validateProjectedVolume },
  { key: 'scaleIO', check: requires('gateway', 'system', 'volumeName') },
  { key: 'csi', check: validateCSI },
  { key: 'ephemeral', check: validateEphemeral },
];

/**
 * One volume's source, at `path` (…volumes[i]). The `image` source (behind
 * the ImageVolume gate, off in 1.32) is not one: kube drops it, so a volume
 * with only that has no source.
 */
export function validateVolumeSource(volume: JsonObject, path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  let sources = 0;
  for (const { key, extraAt, at, check } of SOURCES) {
    if (!isSet(volume[key])) continue;
    if (sources > 0) {
      errs.push(field.forbidden(path.child(extraAt ?? key), 'may not specify more than 1 volume type'));
      continue;
    }
    sources++;
    errs.push(...check(isRecord(volume[key]) ? (volume[key] as JsonObject) : {}, path.child(at ?? key)));
  }
  if (sources === 0) errs.push(field.required(path, 'must specify a volume type'));
  return errs;
}

/**
 * kube's ValidateVolumes, for a pod spec's `volumes` at `path`: each
 * volume's source, then its name (required, a DNS label, unique). Like
 * kube, only a volume without errors is one a mount may name: those names
 * are returned beside the errors.
 */
export function validateVolumes(volumes: unknown, path: FieldPath): { errs: field.FieldError[]; names: Set<string> } {
  const errs: field.FieldError[] = [];
  const names = new Set<string>();
  (Array.isArray(volumes) ? volumes : []).forEach((v: unknown, i) => {
    const p = path.index(i).child('name');
    const volume = isRecord(v) ? (v as JsonObject) : {};
    const name = stringOf(volume.name);
    const el = validateVolumeSource(volume, path.index(i));
    el.push(...(name ? isDNS1123Label(name).map((m) => field.invalid(p, name, m)) : [field.required(p)]));
    if (names.has(name)) el.push(field.duplicate(p, name));
    if (el.length === 0) names.add(name);
    errs.push(...el);
  });
  return { errs, names };
}
