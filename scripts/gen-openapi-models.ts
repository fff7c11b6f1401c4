/**
 * Derives the built-in type definitions that /openapi/v2 and /openapi/v3 serve
 * from @kubernetes/client-node's generated models: each model's
 * `attributeTypeMap` (JSON name, type, format) and its `.d.ts` (JSDoc
 * descriptions; a field without `?` is required). Writes them, under kube's
 * definition names, to src/endpoints/openapi/generated/k8s-models.ts.
 *
 *   node --import tsx scripts/gen-openapi-models.ts          # write
 *   node --import tsx scripts/gen-openapi-models.ts --check  # exit 1 if stale
 *
 * What the package does not carry (kube's package of each model, Quantity
 * fields, the x-kubernetes-* extensions) is added at runtime by the overlay in
 * src/endpoints/openapi/extensions.ts.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ModelDefinition, ModelProperty, ModelType } from '../src/endpoints/openapi/model.js';

/** The models the served kinds start from; everything they reach comes along. */
export const ROOT_MODELS = [
  'V1Namespace', 'V1NamespaceList', 'V1ConfigMap', 'V1ConfigMapList', 'V1Secret', 'V1SecretList',
  'V1Service', 'V1ServiceList', 'V1Endpoints', 'V1EndpointsList', 'V1ServiceAccount', 'V1ServiceAccountList',
  'CoreV1Event', 'CoreV1EventList', 'V1Pod', 'V1PodList', 'V1Binding',
  'V1ResourceQuota', 'V1ResourceQuotaList', 'V1LimitRange', 'V1LimitRangeList',
  'V1Deployment', 'V1DeploymentList', 'V1ReplicaSet', 'V1ReplicaSetList', 'V1StatefulSet', 'V1StatefulSetList',
  'V1DaemonSet', 'V1DaemonSetList', 'V1Scale', 'V1Lease', 'V1LeaseList',
  'V1Job', 'V1JobList', 'V1CronJob', 'V1CronJobList', 'V1PodDisruptionBudget', 'V1PodDisruptionBudgetList',
  'V1Ingress', 'V1IngressList', 'V1NetworkPolicy', 'V1NetworkPolicyList', 'V1PriorityClass', 'V1PriorityClassList',
  'EventsV1Event', 'EventsV1EventList',
  'V1HorizontalPodAutoscaler', 'V1HorizontalPodAutoscalerList', 'V2HorizontalPodAutoscaler', 'V2HorizontalPodAutoscalerList',
  'V1Role', 'V1RoleList', 'V1RoleBinding', 'V1RoleBindingList',
  'V1ClusterRole', 'V1ClusterRoleList', 'V1ClusterRoleBinding', 'V1ClusterRoleBindingList',
  'V1APIService', 'V1APIServiceList', 'V1EndpointSlice', 'V1EndpointSliceList',
  'V1Status', 'V1DeleteOptions', 'V1WatchEvent', 'V1APIResourceList', 'V1APIGroup', 'V1APIGroupList', 'V1APIVersions',
];

/** meta/v1 types: the generator names them after their model but cannot tell their Go package. */
const META_TYPES = new Set([
  'APIGroup', 'APIGroupList', 'APIResource', 'APIResourceList', 'APIVersions', 'Condition', 'DeleteOptions',
  'GroupVersionForDiscovery', 'LabelSelector', 'LabelSelectorRequirement', 'ListMeta', 'ManagedFieldsEntry',
  'MicroTime', 'ObjectMeta', 'OwnerReference', 'Preconditions', 'ServerAddressByClientCIDR', 'Status',
  'StatusCause', 'StatusDetails', 'WatchEvent',
]);

/** Unprefixed models outside core/v1, by kube package (a prefix such as `RbacV1` names it when two collide). */
const GROUP_TYPES: Record<string, string[]> = {
  apps: [
    'Deployment', 'DeploymentList', 'DeploymentSpec', 'DeploymentStatus', 'DeploymentStrategy', 'DeploymentCondition', 'RollingUpdateDeployment',
    'ReplicaSet', 'ReplicaSetList', 'ReplicaSetSpec', 'ReplicaSetStatus', 'ReplicaSetCondition',
    'StatefulSet', 'StatefulSetList', 'StatefulSetSpec', 'StatefulSetStatus', 'StatefulSetCondition', 'StatefulSetUpdateStrategy',
    'RollingUpdateStatefulSetStrategy', 'StatefulSetPersistentVolumeClaimRetentionPolicy', 'StatefulSetOrdinals',
    'DaemonSet', 'DaemonSetList', 'DaemonSetSpec', 'DaemonSetStatus', 'DaemonSetCondition', 'DaemonSetUpdateStrategy', 'RollingUpdateDaemonSet',
  ],
  // v1 and v2 share a package name; the version comes from the model's prefix.
  autoscaling: [
    'Scale', 'ScaleSpec', 'ScaleStatus', 'HorizontalPodAutoscaler', 'HorizontalPodAutoscalerList', 'HorizontalPodAutoscalerSpec',
    'HorizontalPodAutoscalerStatus', 'HorizontalPodAutoscalerCondition', 'HorizontalPodAutoscalerBehavior', 'CrossVersionObjectReference',
    'MetricSpec', 'MetricStatus', 'MetricTarget', 'MetricValueStatus', 'MetricIdentifier', 'HPAScalingRules', 'HPAScalingPolicy',
    'ObjectMetricSource', 'ObjectMetricStatus', 'PodsMetricSource', 'PodsMetricStatus', 'ResourceMetricSource', 'ResourceMetricStatus',
    'ContainerResourceMetricSource', 'ContainerResourceMetricStatus', 'ExternalMetricSource', 'ExternalMetricStatus',
  ],
  batch: [
    'Job', 'JobList', 'JobSpec', 'JobStatus', 'JobCondition', 'JobTemplateSpec', 'CronJob', 'CronJobList', 'CronJobSpec', 'CronJobStatus',
    'PodFailurePolicy', 'PodFailurePolicyRule', 'PodFailurePolicyOnExitCodesRequirement', 'PodFailurePolicyOnPodConditionsPattern',
    'SuccessPolicy', 'SuccessPolicyRule', 'UncountedTerminatedPods',
  ],
  policy: ['PodDisruptionBudget', 'PodDisruptionBudgetList', 'PodDisruptionBudgetSpec', 'PodDisruptionBudgetStatus'],
  networking: [
    'Ingress', 'IngressList', 'IngressSpec', 'IngressStatus', 'IngressBackend', 'IngressServiceBackend', 'ServiceBackendPort', 'IngressTLS',
    'IngressRule', 'HTTPIngressRuleValue', 'HTTPIngressPath', 'IngressLoadBalancerStatus', 'IngressLoadBalancerIngress', 'IngressPortStatus',
    'NetworkPolicy', 'NetworkPolicyList', 'NetworkPolicySpec', 'NetworkPolicyIngressRule', 'NetworkPolicyEgressRule', 'NetworkPolicyPort',
    'NetworkPolicyPeer', 'IPBlock',
  ],
  scheduling: ['PriorityClass', 'PriorityClassList'],
  coordination: ['Lease', 'LeaseList', 'LeaseSpec'],
  discovery: ['EndpointSlice', 'EndpointSliceList', 'Endpoint', 'EndpointConditions', 'EndpointHints', 'ForZone', 'ForNode'],
  apiregistration: ['APIService', 'APIServiceList', 'APIServiceSpec', 'APIServiceStatus', 'APIServiceCondition'],
  rbac: ['Role', 'RoleList', 'RoleBinding', 'RoleBindingList', 'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList', 'PolicyRule', 'RoleRef', 'AggregationRule', 'Subject'],
};
const PACKAGE_OF = new Map(Object.entries(GROUP_TYPES).flatMap(([pkg, names]) => names.map((n) => [n, pkg] as const)));

/** Packages whose Go types live outside k8s.io/api, by the root kube names their definitions under. */
const PACKAGE_ROOTS: Record<string, string> = { apiregistration: 'io.k8s.kube-aggregator.pkg.apis' };

export const TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';
export const MICRO_TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/**
 * "CoreV1Event" → io.k8s.api.core.v1.Event; "V1ObjectMeta" → io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta;
 * "ApiregistrationV1ServiceReference" → io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.ServiceReference.
 */
export function kubeName(model: string): string {
  const m = /^([A-Z][a-z]*)?(V\d+(?:alpha\d+|beta\d+)?)([A-Z]\w*)$/.exec(model);
  if (!m) throw new Error(`cannot name model ${model}`);
  const [, prefix, version, name] = m as unknown as [string, string | undefined, string, string];
  const v = version.toLowerCase();
  if (META_TYPES.has(name) && !prefix) return `io.k8s.apimachinery.pkg.apis.meta.${v}.${name}`;
  const pkg = prefix ? prefix.toLowerCase() : PACKAGE_OF.get(name) ?? 'core';
  return `${PACKAGE_ROOTS[pkg] ?? 'io.k8s.api'}.${pkg}.${v}.${name}`;
}

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

const modelsDir = (): string => {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@kubernetes/client-node/package.json')), 'dist', 'gen', 'models');
};

export const sourceVersion = (): { package: string; version: string; kubernetes: string } => {
  const require = createRequire(import.meta.url);
  const pkg = JSON.parse(readFileSync(require.resolve('@kubernetes/client-node/package.json'), 'utf8')) as { version: string };
  const header = readFileSync(join(modelsDir(), 'V1Pod.d.ts'), 'utf8');
  const spec = /OpenAPI spec version: (\S+)/.exec(header)?.[1] ?? 'unknown';
  return { package: '@kubernetes/client-node', version: pkg.version, kubernetes: spec };
};

const unescape = (s: string): string => s.replace(/\\(['"\\])/g, '$1');

const commentText = (body: string): string =>
  unescape(body.split('\n').map((l) => l.replace(/^\s*\*\s?/, '')).join('\n').trim());

/** Descriptions and optionality from the .d.ts. */
function readDeclaration(dts: string, model: string): { description?: string; fields: Map<string, { description?: string; optional: boolean }> } {
  const classAt = dts.indexOf(`export declare class ${model} `);
  if (classAt < 0) throw new Error(`${model}.d.ts declares no class ${model}`);
  const before = dts.slice(0, classAt).trimEnd();
  const classDoc = before.endsWith('*/') ? /\/\*\*((?:(?!\/\*\*)[\s\S])*)\*\/$/.exec(before)?.[1] : undefined;
  const fields = new Map<string, { description?: string; optional: boolean }>();
  const body = dts.slice(classAt);
  const re = /(?:\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*)?'([^']+)'(\??):/g;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    const [, doc, name, q] = m as unknown as [string, string | undefined, string, string];
    fields.set(name, { ...(doc ? { description: commentText(doc) } : {}), optional: q === '?' });
  }
  return { ...(classDoc ? { description: commentText(classDoc) } : {}), fields };
}

/** The models a type string mentions ("Array<V1Container>" → V1Container). */
const referencedModels = (type: string): string[] =>
  [...type.matchAll(/\b(?:[A-Z][a-z]*)?V\d+(?:alpha\d+|beta\d+)?[A-Z]\w*/g)].map((m) => m[0]).filter((t) => t !== 'V1MicroTime');

function toModelType(type: string, format: string): ModelType {
  const arr = /^Array<(.+)>$/.exec(type);
  if (arr) return { type: 'array', items: toModelType(arr[1]!, format) };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return { type: 'object', additionalProperties: toModelType(map[1]!, format) };
  switch (type) {
    case 'string':
      return format ? { type: 'string', format } : { type: 'string' };
    case 'boolean':
      return { type: 'boolean' };
    case 'number':
      if (format === 'int32' || format === 'int64') return { type: 'integer', format };
      return format ? { type: 'number', format } : { type: 'number' };
    case 'Date':
      return { ref: TIME };
    case 'V1MicroTime':
      return { ref: MICRO_TIME };
    case 'IntOrString':
      return { ref: INT_OR_STRING };
    case 'any':
      return { type: 'object' };
    default:
      return { ref: kubeName(type) };
  }
}

/** Every model reachable from the roots, as kube-named definitions, sorted by name. */
export async function deriveModels(roots: readonly string[] = ROOT_MODELS): Promise<Record<string, ModelDefinition>> {
  const dir = modelsDir();
  const out: Record<string, ModelDefinition> = {};
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const model = queue.shift()!;
    if (seen.has(model)) continue;
    seen.add(model);
    const mod = (await import(pathToFileURL(join(dir, `${model}.js`)).href)) as Record<string, { attributeTypeMap?: Attribute[] }>;
    const attributes = mod[model]?.attributeTypeMap;
    if (!attributes) throw new Error(`${model}.js has no attributeTypeMap`);
    const decl = readDeclaration(readFileSync(join(dir, `${model}.d.ts`), 'utf8'), model);
    const properties: Record<string, ModelProperty> = {};
    const required: string[] = [];
    for (const a of attributes) {
      const field = decl.fields.get(a.name);
      properties[a.baseName] = { ...(field?.description ? { description: field.description } : {}), ...toModelType(a.type, a.format) };
      if (field && !field.optional) required.push(a.baseName);
      for (const r of referencedModels(a.type)) if (!seen.has(r)) queue.push(r);
    }
    out[kubeName(model)] = {
      ...(decl.description ? { description: decl.description } : {}),
      ...(required.length > 0 ? { required } : {}),
      properties,
    };
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The repository root: found by walking up, as this file runs from scripts/ (tsx) and dist/scripts/ (tests compiled). */
const repoRoot = (): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
};
export const OUTPUT = join(repoRoot(), 'src/endpoints/openapi/generated/k8s-models.ts');

/** The generated module's text: one definition a line, so that a new client-node release diffs readably. */
export async function renderModule(): Promise<string> {
  const models = await deriveModels();
  const src = sourceVersion();
  const lines = Object.entries(models).map(([name, def]) => `  ${JSON.stringify(name)}: ${JSON.stringify(def)},`);
  return [
    `// Generated by scripts/gen-openapi-models.ts from ${src.package} ${src.version} (models of Kubernetes ${src.kubernetes}). Do not edit.`,
    `import type { ModelTable } from '../model.js';`,
    '',
    `export const MODEL_SOURCE = ${JSON.stringify(src)} as const;`,
    '',
    'export const k8sModels: ModelTable = {',
    ...lines,
    '};',
    '',
  ].join('\n');
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const text = await renderModule();
  if (process.argv.includes('--check')) {
    const current = readFileSync(OUTPUT, 'utf8');
    if (current !== text) {
      console.error(`${OUTPUT} is stale: run node --import tsx scripts/gen-openapi-models.ts`);
      process.exit(1);
    }
  } else {
    writeFileSync(OUTPUT, text);
    console.log(`wrote ${OUTPUT} (${text.length} bytes)`);
  }
}
