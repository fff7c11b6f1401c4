/**
 * autoscaling HorizontalPodAutoscalers, served as v1 and v2 and stored once, as
 * v2: the strategy works on the v2 shape; the v1 definition converts at the
 * boundary (conversion.ts). Nothing acts on them: there is no HPA controller.
 */
import * as field from '../../apimachinery/validation/field-error.js';
import { nameIsDNSSubdomain } from '../../apimachinery/validation/names.js';
import { FieldPath } from '../../apimachinery/validation/path.js';
import type { KubeObject } from '../../registry/object.js';
import type { OtherVersions, ResourceDefinition } from '../../registry/resource-definition.js';
import type { Strategy, TableColumn } from '../../registry/strategy.js';
import { ageColumn } from '../shared/age.js';
import { hpaV1ToV2, hpaV2ToV1 } from './conversion.js';

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

const SPEC = FieldPath.of('spec');
const METRIC_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const TARGET_TYPES = ['AverageValue', 'Utilization', 'Value'];
export const DEFAULT_CPU_UTILIZATION = 80;

/** kube's v2 defaults: at least one replica, and a CPU target of 80% when no metric is given. */
function defaults(hpa: KubeObject): void {
  const spec = rec(hpa.spec);
  hpa.spec = spec;
  spec.minReplicas ??= 1;
  if (list(spec.metrics).length === 0) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
  }
}

function validateMetric(m: Json, path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  if (!m.type) return [field.required(path.child('type'), 'must specify a metric source type')];
  if (!METRIC_TYPES.includes(String(m.type))) return [field.notSupported(path.child('type'), m.type, METRIC_TYPES)];
  if (m.type === 'Resource' || m.type === 'ContainerResource') {
    const key = m.type === 'Resource' ? 'resource' : 'containerResource';
    const source = rec(m[key]);
    const p = path.child(key);
    if (!source.name) errs.push(field.required(p.child('name'), 'must specify a resource name'));
    const target = rec(source.target);
    if (!target.type) errs.push(field.required(p.child('target', 'type'), 'must specify a metric target type'));
    else if (!TARGET_TYPES.includes(String(target.type))) errs.push(field.notSupported(p.child('target', 'type'), target.type, TARGET_TYPES));
    const u = target.averageUtilization;
    if (typeof u === 'number' && u < 1) errs.push(field.invalid(p.child('target', 'averageUtilization'), u, 'must be greater than 0'));
  }
  return errs;
}

/** kube's ValidateHorizontalPodAutoscalerSpec, for what is served here. */
function validate(hpa: KubeObject): field.FieldError[] {
  const spec = rec(hpa.spec);
  const errs: field.FieldError[] = [];
  const ref = rec(spec.scaleTargetRef);
  if (!ref.kind) errs.push(field.required(SPEC.child('scaleTargetRef', 'kind')));
  if (!ref.name) errs.push(field.required(SPEC.child('scaleTargetRef', 'name')));
  const min = spec.minReplicas;
  const max = spec.maxReplicas;
  if (typeof min === 'number' && min < 1) errs.push(field.invalid(SPEC.child('minReplicas'), min, 'must be greater than or equal to 1'));
  if (typeof max !== 'number') errs.push(field.required(SPEC.child('maxReplicas')));
  else if (max < 1) errs.push(field.invalid(SPEC.child('maxReplicas'), max, 'must be greater than 0'));
  else if (typeof min === 'number' && max < min) errs.push(field.invalid(SPEC.child('maxReplicas'), max, 'must be greater than or equal to `minReplicas`'));
  list(spec.metrics).forEach((m, i) => errs.push(...validateMetric(m, SPEC.child('metrics').index(i))));
  return errs;
}

const strategy: Strategy = { defaults, validate, validateUpdate: (hpa) => validate(hpa) };
const statusStrategy: Strategy = {};

/** kubectl's TARGETS cell: "cpu: <unknown>/80%" until a controller reports the current value. */
function targets(hpa: KubeObject): string {
  const current = list(rec(hpa.status).currentMetrics);
  const cells = list(rec(hpa.spec).metrics).map((m) => {
    if (m.type !== 'Resource') return `<${String(m.type).toLowerCase()}>`;
    const r = rec(m.resource);
    const target = rec(r.target);
    const now = current.find((c) => c.type === 'Resource' && rec(c.resource).name === r.name);
    const nowU = rec(rec(now?.resource).current).averageUtilization;
    if (target.type === 'Utilization') return `${String(r.name)}: ${nowU === undefined ? '<unknown>' : `${String(nowU)}%`}/${String(target.averageUtilization)}%`;
    return `${String(r.name)}: <unknown>/${String(target.averageValue ?? target.value)}`;
  });
  return cells.length === 0 ? '<none>' : cells.join(', ');
}

/** Table cells read the v2 shape; a v1 object (a get in v1) is converted first. */
const asV2 = (o: KubeObject): KubeObject => (o.apiVersion === 'autoscaling/v1' ? hpaV1ToV2(o) : o);

const columns: TableColumn[] = [
  { name: 'Reference', type: 'string', priority: 0, description: 'scaleTargetRef points to the target resource to scale', cell: (o) => `${String(rec(rec(o.spec).scaleTargetRef).kind)}/${String(rec(rec(o.spec).scaleTargetRef).name)}` },
  { name: 'Targets', type: 'string', priority: 0, description: 'metrics contains the specifications for which to use to calculate the desired replica count', cell: (o) => targets(asV2(o)) },
  { name: 'MinPods', type: 'string', priority: 0, description: 'minReplicas is the lower limit for the number of replicas', cell: (o) => String(rec(o.spec).minReplicas ?? '<unset>') },
  { name: 'MaxPods', type: 'integer', priority: 0, description: 'maxReplicas is the upper limit for the number of replicas', cell: (o) => Number(rec(o.spec).maxReplicas ?? 0) },
  { name: 'Replicas', type: 'integer', priority: 0, description: 'currentReplicas is current number of replicas of pods managed by this autoscaler', cell: (o) => Number(rec(o.status).currentReplicas ?? 0) },
  ageColumn(),
];

const STORAGE_PREFIX = '/autoscaling/horizontalpodautoscalers';

const base = {
  nameValidator: nameIsDNSSubdomain,
  strategy,
  generation: 'spec' as const,
  status: { strategy: statusStrategy },
  tableColumns: columns,
  storagePrefix: STORAGE_PREFIX,
};

const info = (version: string) => ({
  group: 'autoscaling',
  version,
  resource: 'horizontalpodautoscalers',
  singularName: 'horizontalpodautoscaler',
  kind: 'HorizontalPodAutoscaler',
  namespaced: true,
  shortNames: ['hpa'],
  categories: ['all'],
});

const V1 = 'autoscaling/v1';
const V2 = 'autoscaling/v2';

/** Both versions, for managedFields recorded in the other one. */
const otherVersions: OtherVersions = {
  models: (apiVersion) => (apiVersion === V1 || apiVersion === V2 ? 'builtin' : undefined),
  convert: (objs, apiVersion) =>
    Promise.resolve(objs.map((o) => (o.apiVersion === apiVersion ? o : apiVersion === V2 ? hpaV1ToV2(o) : hpaV2ToV1(o)))),
};

/** autoscaling/v2: the storage version. */
export const horizontalPodAutoscalersV2: ResourceDefinition = { ...base, info: info('v2'), otherVersions };

/** autoscaling/v1: the same objects, converted at the boundary. */
export const horizontalPodAutoscalersV1: ResourceDefinition = {
  ...base,
  info: info('v1'),
  conversion: { toStorage: hpaV1ToV2, fromStorage: (objs) => objs.map(hpaV2ToV1) },
  otherVersions,
};
