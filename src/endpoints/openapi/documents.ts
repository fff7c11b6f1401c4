import { EVERY_GROUP_VERSION_KINDS, KIND_DEFINITIONS, type GroupVersionKind } from './extensions.js';
import { renderParameter, PARAMETERS } from './parameters.js';
import type { OpenAPIModels } from '../../registry/resource-definition.js';
import type { BodyType, OpenAPIResource, OperationSpec, PathSpec } from './paths.js';
import { refPrefix, refTo, type DefinitionCatalog, type OpenAPIVersion, type Schema } from './schema.js';

/** What a document is built from; the caller picks the paths. */
export interface DocumentInput {
  catalog: DefinitionCatalog;
  paths: PathSpec[];
  /** Every served group-version, for the kinds kube registers in each (DeleteOptions, WatchEvent). */
  servedGroupVersions: { group: string; version: string }[];
  /** info.version: kube's gitVersion. */
  version: string;
  /** Models of kinds defined at runtime (custom resources), beside the catalog's built-in ones. */
  runtime?: RuntimeModels;
}

/** The models of kinds served with their own (OpenAPIResource.models), looked up by kind and by model name. */
export class RuntimeModels {
  private readonly byKind = new Map<string, { models: () => OpenAPIModels; list: boolean }>();
  private readonly byName = new Map<string, { models: () => OpenAPIModels; list: boolean }>();

  constructor(resources: readonly OpenAPIResource[]) {
    for (const r of resources) {
      if (!r.models) continue;
      this.byKind.set(kindKey(r.group, r.version, r.kind), { models: r.models, list: false });
      this.byKind.set(kindKey(r.group, r.version, `${r.kind}List`), { models: r.models, list: true });
    }
  }

  nameOf(gvk: GroupVersionKind): string | undefined {
    const entry = this.byKind.get(kindKey(gvk.group, gvk.version, gvk.kind));
    if (!entry) return undefined;
    const m = entry.models();
    const name = entry.list ? m.listName : m.name;
    this.byName.set(name, entry);
    return name;
  }

  /** The schema of a name nameOf gave out. */
  schema(name: string, v: OpenAPIVersion): Schema | undefined {
    const entry = this.byName.get(name);
    if (!entry) return undefined;
    const m = entry.models()[v];
    return entry.list ? m.list : m.kind;
  }
}

const kindKey = (group: string, version: string, kind: string) => `${group}/${version}/${kind}`;

const SECURITY_DESCRIPTION = 'Bearer Token authentication';
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Resolves body types to schemas and remembers which definitions the document needs. */
class RefCollector {
  readonly used = new Set<string>();
  readonly usedRuntime = new Set<string>();
  constructor(
    private readonly catalog: DefinitionCatalog,
    private readonly v: OpenAPIVersion,
    private readonly runtime?: RuntimeModels,
  ) {}

  schema(type: BodyType): Schema {
    const runtimeName = 'kind' in type ? this.runtime?.nameOf(type.kind) : undefined;
    if (runtimeName) {
      this.usedRuntime.add(runtimeName);
      return refTo(this.v, runtimeName);
    }
    const name = 'definition' in type ? type.definition : this.catalog.definitionOf(type.kind);
    // A kind with no built-in definition (a custom resource) is described as an object.
    if (!name || !this.catalog.has(name)) return { type: 'object' };
    this.used.add(name);
    return refTo(this.v, name);
  }
}

const gvkExtension = (gvk: GroupVersionKind | undefined) =>
  gvk ? { 'x-kubernetes-group-version-kind': { group: gvk.group, kind: gvk.kind, version: gvk.version } } : {};

function renderOperation(op: OperationSpec, v: OpenAPIVersion, refs: RefCollector): Schema {
  const parameters = op.parameters.map((p) => renderParameter(PARAMETERS[p], v));
  const common = {
    description: op.description,
    operationId: op.operationId,
    tags: [op.tag],
    'x-kubernetes-action': op.action,
    ...gvkExtension(op.gvk),
  };
  if (v === 'v2') {
    if (op.body) parameters.push({ in: 'body', name: 'body', ...(op.body.required ? { required: true } : {}), schema: refs.schema(op.body.type) });
    const responses: Record<string, Schema> = {};
    for (const r of op.responses) responses[r.code] = { description: r.description, schema: refs.schema(r.type) };
    responses['401'] = { description: 'Unauthorized' };
    return {
      ...(op.body ? { consumes: op.body.mediaTypes } : { consumes: ['*/*'] }),
      ...common,
      parameters,
      produces: op.produces,
      responses,
      schemes: ['https'],
    };
  }
  const responses: Record<string, Schema> = {};
  for (const r of op.responses) {
    const schema = refs.schema(r.type);
    responses[r.code] = { content: Object.fromEntries(op.produces.map((mt) => [mt, { schema }])), description: r.description };
  }
  responses['401'] = { description: 'Unauthorized' };
  let requestBody: Schema | undefined;
  if (op.body) {
    const schema = refs.schema(op.body.type);
    requestBody = { content: Object.fromEntries(op.body.mediaTypes.map((mt) => [mt, { schema }])), ...(op.body.required ? { required: true } : {}) };
  }
  return { ...common, ...(parameters.length > 0 ? { parameters } : {}), ...(requestBody ? { requestBody } : {}), responses };
}

function renderPaths(paths: PathSpec[], v: OpenAPIVersion, refs: RefCollector): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  for (const p of [...paths].sort((a, b) => cmp(a.path, b.path))) {
    const item: Schema = {};
    for (const op of p.operations) item[op.method] = renderOperation(op, v, refs);
    if (p.parameters.length > 0) item.parameters = p.parameters.map((name) => renderParameter(PARAMETERS[name], v));
    out[p.path] = item;
  }
  return out;
}

/** The schemas of every definition the paths reach, with their x-kubernetes-group-version-kind. */
function renderDefinitions(input: DocumentInput, v: OpenAPIVersion, refs: RefCollector): Record<string, Schema> {
  const runtime: [string, Schema][] = [];
  const roots = new Set(refs.used);
  for (const name of refs.usedRuntime) {
    const schema = input.runtime?.schema(name, v);
    if (!schema) continue;
    runtime.push([name, schema]);
    // A runtime model refers to built-in ones (ObjectMeta, ListMeta): they join the document too.
    collectRefNames(schema, refPrefix(v), roots);
  }
  const everyGV = [{ group: '', version: 'v1' }, ...input.servedGroupVersions]
    .filter((gv, i, all) => all.findIndex((o) => o.group === gv.group && o.version === gv.version) === i)
    .sort((a, b) => cmp(a.group, b.group) || cmp(a.version, b.version));
  const out: Record<string, Schema> = {};
  for (const name of input.catalog.closure(roots)) {
    const multi = EVERY_GROUP_VERSION_KINDS.find((k) => k.definition === name);
    const gvks = multi ? everyGV.map((gv) => ({ ...gv, kind: multi.kind })) : KIND_DEFINITIONS[name] ? [KIND_DEFINITIONS[name]] : undefined;
    out[name] = input.catalog.schema(name, v, gvks);
  }
  for (const [name, schema] of runtime) out[name] = schema;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => cmp(a, b)));
}

/** The definition names a schema's `$ref`s point at, other than runtime ones (their own list refers to its item). */
function collectRefNames(schema: unknown, prefix: string, into: Set<string>): void {
  const stack: unknown[] = [schema];
  while (stack.length > 0) {
    const s = stack.pop();
    if (Array.isArray(s)) stack.push(...s);
    else if (typeof s === 'object' && s !== null) {
      for (const [k, val] of Object.entries(s)) {
        if (k === '$ref' && typeof val === 'string' && val.startsWith(prefix)) into.add(val.slice(prefix.length));
        else stack.push(val);
      }
    }
  }
}

/** /openapi/v2: one Swagger 2.0 document for everything served. */
export function buildV2(input: DocumentInput): Schema {
  const refs = new RefCollector(input.catalog, 'v2', input.runtime);
  const paths = renderPaths(input.paths, 'v2', refs);
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: input.version },
    paths,
    definitions: renderDefinitions(input, 'v2', refs),
    securityDefinitions: { BearerToken: { description: SECURITY_DESCRIPTION, in: 'header', name: 'authorization', type: 'apiKey' } },
    security: [{ BearerToken: [] }],
  };
}

/** One /openapi/v3/<key> document: OpenAPI 3.0 for the paths given. */
export function buildV3(input: DocumentInput): Schema {
  const refs = new RefCollector(input.catalog, 'v3', input.runtime);
  const paths = renderPaths(input.paths, 'v3', refs);
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: input.version },
    paths,
    components: {
      schemas: renderDefinitions(input, 'v3', refs),
      securitySchemes: { BearerToken: { description: SECURITY_DESCRIPTION, in: 'header', name: 'authorization', type: 'apiKey' } },
    },
    security: [{ BearerToken: [] }],
  };
}
