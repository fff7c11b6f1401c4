import type { OpenAPIModels } from '../../registry/resource-definition.js';
import type { GroupVersionKind } from './extensions.js';
import {
  CREATE_PARAMETERS,
  DELETE_PARAMETERS,
  DELETECOLLECTION_PARAMETERS,
  LIST_PARAMETERS,
  PATCH_PARAMETERS,
  UPDATE_PARAMETERS,
  type ParameterName,
} from './parameters.js';

/** A served resource, as the OpenAPI documents need to know it. */
export interface OpenAPIResource {
  group: string;
  version: string;
  /** Plural, lower case: "configmaps". */
  resource: string;
  kind: string;
  namespaced: boolean;
  /** Discovery verbs: get, list, watch, create, update, patch, delete, deletecollection. */
  verbs: string[];
  /** 'status', 'scale', and the few others kube has ('binding' on pods, 'finalize' on namespaces). */
  subresources: string[];
  /** The kind's own models when it has no built-in definition (a custom resource); without them it is described as an object. */
  models?: () => OpenAPIModels;
}

/** How a request or response body is described: a kind (looked up as a definition) or a named definition. */
export type BodyType = { kind: GroupVersionKind } | { definition: string };

export type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';

export interface OperationSpec {
  method: Method;
  operationId: string;
  description: string;
  action: 'get' | 'list' | 'watch' | 'watchlist' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection';
  gvk?: GroupVersionKind;
  tag: string;
  parameters: ParameterName[];
  body?: { type: BodyType; mediaTypes: string[]; required: boolean };
  responses: { code: string; description: string; type: BodyType }[];
  produces: string[];
}

export interface PathSpec {
  path: string;
  /** Parameters shared by every operation of the path. */
  parameters: ParameterName[];
  operations: OperationSpec[];
}

const JSON_MT = 'application/json';
const YAML_MT = 'application/yaml';
const PROTOBUF_MT = 'application/vnd.kubernetes.protobuf';
export const OBJECT_MEDIA_TYPES = [JSON_MT, YAML_MT, PROTOBUF_MT];
export const STREAM_MEDIA_TYPES = [JSON_MT, YAML_MT, PROTOBUF_MT, `${JSON_MT};stream=watch`, `${PROTOBUF_MT};stream=watch`];
export const PATCH_MEDIA_TYPES = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];
const ANY_MT = ['*/*'];

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const STATUS: BodyType = { definition: `${META}Status` };
const DELETE_OPTIONS: BodyType = { definition: `${META}DeleteOptions` };
const WATCH_EVENT: BodyType = { definition: `${META}WatchEvent` };
const PATCH: BodyType = { definition: `${META}Patch` };

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** kube's operation-id spelling of a group: "" → Core, rbac.authorization.k8s.io → RbacAuthorization. */
export const groupCamel = (group: string): string =>
  group === '' ? 'Core' : group.replace(/\.k8s\.io$/, '').split('.').map(cap).join('');

export const tagOf = (group: string, version?: string): string => {
  const g = groupCamel(group);
  const base = g.charAt(0).toLowerCase() + g.slice(1);
  return version ? `${base}_${version}` : base;
};

/** "api/v1" or "apis/apps/v1": the key of a group-version's document in the /openapi/v3 index. */
export const groupVersionKey = (group: string, version: string): string => (group === '' ? `api/${version}` : `apis/${group}/${version}`);

/** The subresources kube serves, and what each one reads and writes. */
interface SubresourceShape {
  kind: (r: OpenAPIResource) => GroupVersionKind;
  methods: Method[];
}
const ownKind = (r: OpenAPIResource): GroupVersionKind => ({ group: r.group, version: r.version, kind: r.kind });
const SUBRESOURCES: Record<string, SubresourceShape> = {
  status: { kind: ownKind, methods: ['get', 'put', 'patch'] },
  scale: { kind: () => ({ group: 'autoscaling', version: 'v1', kind: 'Scale' }), methods: ['get', 'put', 'patch'] },
  binding: { kind: () => ({ group: '', version: 'v1', kind: 'Binding' }), methods: ['post'] },
  finalize: { kind: ownKind, methods: ['put'] },
};

const writeResponses = (type: BodyType, codes: [string, string][]) => codes.map(([code, description]) => ({ code, description, type }));
const OK: [string, string] = ['200', 'OK'];
const CREATED: [string, string] = ['201', 'Created'];
const ACCEPTED: [string, string] = ['202', 'Accepted'];

/** Every path and operation kube serves for one resource, given its verbs and subresources. */
export function resourcePaths(r: OpenAPIResource): PathSpec[] {
  const verbs = new Set(r.verbs);
  const root = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const ns = r.namespaced ? '/namespaces/{namespace}' : '';
  const scope = r.namespaced ? 'Namespaced' : '';
  const id = `${groupCamel(r.group)}${cap(r.version)}`;
  const tag = tagOf(r.group, r.version);
  const gvk = ownKind(r);
  const kind: BodyType = { kind: gvk };
  const listKind: BodyType = { kind: { ...gvk, kind: `${r.kind}List` } };
  const scopeParams: ParameterName[] = r.namespaced ? ['namespace', 'pretty'] : ['pretty'];
  const itemParams: ParameterName[] = ['name', ...scopeParams];
  const op = (o: Omit<OperationSpec, 'tag' | 'gvk'> & { gvk?: GroupVersionKind }): OperationSpec => ({ tag, gvk, ...o });
  const paths: PathSpec[] = [];

  const collection: OperationSpec[] = [];
  if (verbs.has('list')) {
    collection.push(op({
      method: 'get', operationId: `list${id}${scope}${r.kind}`, description: `list or watch objects of kind ${r.kind}`,
      action: 'list', parameters: [], responses: writeResponses(listKind, [OK]), produces: STREAM_MEDIA_TYPES,
    }));
  }
  if (verbs.has('create')) {
    collection.push(op({
      method: 'post', operationId: `create${id}${scope}${r.kind}`, description: `create a ${r.kind}`, action: 'post',
      parameters: CREATE_PARAMETERS, body: { type: kind, mediaTypes: ANY_MT, required: true },
      responses: writeResponses(kind, [OK, CREATED, ACCEPTED]), produces: OBJECT_MEDIA_TYPES,
    }));
  }
  if (verbs.has('deletecollection')) {
    collection.push(op({
      method: 'delete', operationId: `delete${id}Collection${scope}${r.kind}`, description: `delete collection of ${r.kind}`,
      action: 'deletecollection', parameters: DELETECOLLECTION_PARAMETERS, body: { type: DELETE_OPTIONS, mediaTypes: ANY_MT, required: false },
      responses: writeResponses(STATUS, [OK]), produces: OBJECT_MEDIA_TYPES,
    }));
  }
  if (collection.length > 0) {
    // The list parameters belong to the path when the path lists, as kube writes it.
    const listing = collection.some((o) => o.action === 'list');
    paths.push({ path: `${root}${ns}/${r.resource}`, parameters: [...scopeParams, ...(listing ? LIST_PARAMETERS : [])], operations: collection });
  }

  const item: OperationSpec[] = [];
  if (verbs.has('get')) {
    item.push(op({ method: 'get', operationId: `read${id}${scope}${r.kind}`, description: `read the specified ${r.kind}`, action: 'get', parameters: [], responses: writeResponses(kind, [OK]), produces: OBJECT_MEDIA_TYPES }));
  }
  if (verbs.has('update')) {
    item.push(op({
      method: 'put', operationId: `replace${id}${scope}${r.kind}`, description: `replace the specified ${r.kind}`, action: 'put',
      parameters: UPDATE_PARAMETERS, body: { type: kind, mediaTypes: ANY_MT, required: true },
      responses: writeResponses(kind, [OK, CREATED]), produces: OBJECT_MEDIA_TYPES,
    }));
  }
  if (verbs.has('patch')) {
    item.push(op({
      method: 'patch', operationId: `patch${id}${scope}${r.kind}`, description: `partially update the specified ${r.kind}`, action: 'patch',
      parameters: PATCH_PARAMETERS, body: { type: PATCH, mediaTypes: PATCH_MEDIA_TYPES, required: true },
      responses: writeResponses(kind, [OK, CREATED]), produces: OBJECT_MEDIA_TYPES,
    }));
  }
  if (verbs.has('delete')) {
    item.push(op({
      method: 'delete', operationId: `delete${id}${scope}${r.kind}`, description: `delete a ${r.kind}`, action: 'delete',
      parameters: DELETE_PARAMETERS, body: { type: DELETE_OPTIONS, mediaTypes: ANY_MT, required: false },
      responses: writeResponses(STATUS, [OK, ACCEPTED]), produces: OBJECT_MEDIA_TYPES,
    }));
  }
  if (item.length > 0) paths.push({ path: `${root}${ns}/${r.resource}/{name}`, parameters: itemParams, operations: item });

  for (const sub of r.subresources) {
    const shape = SUBRESOURCES[sub] ?? SUBRESOURCES.status!;
    const subGvk = shape.kind(r);
    const subKind: BodyType = { kind: subGvk };
    const name = `${id}${scope}${r.kind}${cap(sub)}`;
    const ops: OperationSpec[] = shape.methods.map((method): OperationSpec => {
      switch (method) {
        case 'get':
          return op({ method, gvk: subGvk, operationId: `read${name}`, description: `read ${sub} of the specified ${r.kind}`, action: 'get', parameters: [], responses: writeResponses(subKind, [OK]), produces: OBJECT_MEDIA_TYPES });
        case 'post':
          return op({
            method, gvk: subGvk, operationId: `create${name}`, description: `create ${sub} of a ${r.kind}`, action: 'post',
            parameters: CREATE_PARAMETERS, body: { type: subKind, mediaTypes: ANY_MT, required: true },
            responses: writeResponses(subKind, [OK, CREATED, ACCEPTED]), produces: OBJECT_MEDIA_TYPES,
          });
        case 'patch':
          return op({
            method, gvk: subGvk, operationId: `patch${name}`, description: `partially update ${sub} of the specified ${r.kind}`, action: 'patch',
            parameters: PATCH_PARAMETERS, body: { type: PATCH, mediaTypes: PATCH_MEDIA_TYPES, required: true },
            responses: writeResponses(subKind, [OK, CREATED]), produces: OBJECT_MEDIA_TYPES,
          });
        default:
          return op({
            method: 'put', gvk: subGvk, operationId: `replace${name}`, description: `replace ${sub} of the specified ${r.kind}`, action: 'put',
            parameters: UPDATE_PARAMETERS, body: { type: subKind, mediaTypes: ANY_MT, required: true },
            responses: writeResponses(subKind, [OK, CREATED]), produces: OBJECT_MEDIA_TYPES,
          });
      }
    });
    paths.push({ path: `${root}${ns}/${r.resource}/{name}/${sub}`, parameters: itemParams, operations: ops });
  }

  if (r.namespaced && verbs.has('list')) {
    paths.push({
      path: `${root}/${r.resource}`,
      parameters: [...LIST_PARAMETERS.filter((p) => p !== 'watch'), 'pretty', 'watch'],
      operations: [op({
        method: 'get', operationId: `list${id}${r.kind}ForAllNamespaces`, description: `list or watch objects of kind ${r.kind}`,
        action: 'list', parameters: [], responses: writeResponses(listKind, [OK]), produces: STREAM_MEDIA_TYPES,
      })],
    });
  }
  if (verbs.has('watch')) {
    // The /watch/ paths are deprecated in kube but still served and described.
    const watchOp = (operationId: string, action: 'watch' | 'watchlist', description: string): OperationSpec =>
      op({ method: 'get', operationId, description, action, parameters: [], responses: writeResponses(WATCH_EVENT, [OK]), produces: STREAM_MEDIA_TYPES });
    paths.push({
      path: `${root}/watch${ns}/${r.resource}`,
      parameters: [...scopeParams, ...LIST_PARAMETERS],
      operations: [watchOp(`watch${id}${scope}${r.kind}List`, 'watchlist', `watch individual changes to a list of ${r.kind}. deprecated: use the 'watch' parameter with a list operation instead.`)],
    });
    paths.push({
      path: `${root}/watch${ns}/${r.resource}/{name}`,
      parameters: [...itemParams, ...LIST_PARAMETERS],
      operations: [watchOp(`watch${id}${scope}${r.kind}`, 'watch', `watch changes to an object of kind ${r.kind}. deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter.`)],
    });
    if (r.namespaced) {
      paths.push({
        path: `${root}/watch/${r.resource}`,
        parameters: [...LIST_PARAMETERS, 'pretty'],
        operations: [watchOp(`watch${id}${r.kind}ListForAllNamespaces`, 'watchlist', `watch individual changes to a list of ${r.kind}. deprecated: use the 'watch' parameter with a list operation instead.`)],
      });
    }
  }
  return paths;
}

/** GET /api/v1/ or /apis/<g>/<v>/: the group-version's resource list. */
export function resourceListPath(group: string, version: string): PathSpec {
  const root = group === '' ? `/api/${version}/` : `/apis/${group}/${version}/`;
  return {
    path: root,
    parameters: [],
    operations: [{
      method: 'get', operationId: `get${groupCamel(group)}${cap(version)}APIResources`, description: 'get available resources',
      action: 'get', tag: tagOf(group, version), parameters: [], responses: writeResponses({ definition: `${META}APIResourceList` }, [OK]),
      produces: OBJECT_MEDIA_TYPES,
    }],
  };
}

/** The discovery paths outside any group-version: /api/, /apis/, /apis/<g>/. */
export function discoveryPath(kind: 'api' | 'apis' | { group: string }): PathSpec {
  const get = (path: string, operationId: string, description: string, tag: string, definition: string): PathSpec => ({
    path,
    parameters: [],
    operations: [{ method: 'get', operationId, description, action: 'get', tag, parameters: [], responses: writeResponses({ definition: `${META}${definition}` }, [OK]), produces: OBJECT_MEDIA_TYPES }],
  });
  if (kind === 'api') return get('/api/', 'getCoreAPIVersions', 'get available API versions', 'core', 'APIVersions');
  if (kind === 'apis') return get('/apis/', 'getAPIVersions', 'get available API versions', 'apis', 'APIGroupList');
  return get(`/apis/${kind.group}/`, `get${groupCamel(kind.group)}APIGroup`, 'get information of a group', tagOf(kind.group), 'APIGroup');
}
