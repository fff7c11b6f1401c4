/**
 * /openapi/v2 in protobuf, the form client-go's discovery client asks for
 * (OpenAPISchema: gnostic's openapi_v2.Document, as kube-openapi serves it).
 * kubectl reads it for client-side validation when it cannot validate on the
 * server: a kind it does not find there is skipped, so a custom resource
 * applied in one file with its CRD is not refused before the CRD exists.
 *
 * The JSON document is mapped field by field onto the model (see
 * proto/openapiv2/openapi-v2.proto): maps become ordered name/value lists,
 * `$ref` becomes `_ref`, and every non-schema JSON value (defaults, enums,
 * examples, x- extensions) is carried as YAML text, as gnostic does.
 */
import { stringify } from 'yaml';
import { messageType } from '../protobuf/loader.js';
import { isJSONObject as isObject } from '../../apimachinery/json.js';

type Json = Record<string, unknown>;
type Message = Record<string, unknown>;

/** What the answer is labelled (kube-openapi's): the '@' of the type clients ask for is not valid in a media type. */
export const PROTOBUF_V2_MEDIA_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : undefined);

/** A JSON value as gnostic's Any: YAML text. */
const any = (v: unknown): Message => ({ yaml: stringify(v, { version: '1.1' }) });

/** The x- keys of a JSON object, in order, as NamedAny entries. */
const vendorExtensions = (o: Json): Message[] =>
  Object.entries(o)
    .filter(([k]) => k.startsWith('x-'))
    .map(([name, value]) => ({ name, value: any(value) }));

/** Drops undefined fields, so that the message carries only what the JSON had. */
function compact(m: Message): Message {
  for (const k of Object.keys(m)) if (m[k] === undefined || (Array.isArray(m[k]) && (m[k] as unknown[]).length === 0)) delete m[k];
  return m;
}

function schema(s: Json): Message {
  const type = Array.isArray(s.type) ? strings(s.type) : str(s.type) !== undefined ? [s.type as string] : undefined;
  let items: Message | undefined;
  if (Array.isArray(s.items)) items = { schema: s.items.filter(isObject).map(schema) };
  else if (isObject(s.items)) items = { schema: [schema(s.items)] };
  let additionalProperties: Message | undefined;
  if (typeof s.additionalProperties === 'boolean') additionalProperties = { boolean: s.additionalProperties };
  else if (isObject(s.additionalProperties)) additionalProperties = { schema: schema(s.additionalProperties) };
  return compact({
    _ref: str(s.$ref),
    format: str(s.format),
    title: str(s.title),
    description: str(s.description),
    default: s.default !== undefined ? any(s.default) : undefined,
    multiple_of: num(s.multipleOf),
    maximum: num(s.maximum),
    exclusive_maximum: bool(s.exclusiveMaximum),
    minimum: num(s.minimum),
    exclusive_minimum: bool(s.exclusiveMinimum),
    max_length: num(s.maxLength),
    min_length: num(s.minLength),
    pattern: str(s.pattern),
    max_items: num(s.maxItems),
    min_items: num(s.minItems),
    unique_items: bool(s.uniqueItems),
    max_properties: num(s.maxProperties),
    min_properties: num(s.minProperties),
    required: strings(s.required),
    enum: Array.isArray(s.enum) ? s.enum.map(any) : undefined,
    additional_properties: additionalProperties,
    type: type ? { value: type } : undefined,
    items,
    all_of: Array.isArray(s.allOf) ? s.allOf.filter(isObject).map(schema) : undefined,
    properties: isObject(s.properties)
      ? { additional_properties: Object.entries(s.properties).filter(([, v]) => isObject(v)).map(([name, v]) => ({ name, value: schema(v as Json) })) }
      : undefined,
    discriminator: str(s.discriminator),
    read_only: bool(s.readOnly),
    example: s.example !== undefined ? any(s.example) : undefined,
    vendor_extension: vendorExtensions(s),
  });
}

function parameter(p: Json): Message {
  if (typeof p.$ref === 'string') return { json_reference: { _ref: p.$ref } };
  const common = { required: bool(p.required), in: str(p.in), description: str(p.description), name: str(p.name) };
  if (p.in === 'body') {
    return { parameter: { body_parameter: compact({ ...common, schema: isObject(p.schema) ? schema(p.schema) : undefined, vendor_extension: vendorExtensions(p) }) } };
  }
  const sub = compact({ ...common, type: str(p.type), format: str(p.format), unique_items: bool(p.uniqueItems), vendor_extension: vendorExtensions(p) });
  const which = p.in === 'path' ? 'path_parameter_sub_schema' : p.in === 'header' ? 'header_parameter_sub_schema' : 'query_parameter_sub_schema';
  return { parameter: { non_body_parameter: { [which]: sub } } };
}

function operation(op: Json): Message {
  const responses = isObject(op.responses)
    ? Object.entries(op.responses)
        .filter(([, r]) => isObject(r))
        .map(([name, r]) => {
          const resp = r as Json;
          if (typeof resp.$ref === 'string') return { name, value: { json_reference: { _ref: resp.$ref } } };
          return { name, value: { response: compact({ description: str(resp.description), schema: isObject(resp.schema) ? { schema: schema(resp.schema) } : undefined, vendor_extension: vendorExtensions(resp) }) } };
        })
    : [];
  return compact({
    tags: strings(op.tags),
    summary: str(op.summary),
    description: str(op.description),
    operation_id: str(op.operationId),
    produces: strings(op.produces),
    consumes: strings(op.consumes),
    parameters: Array.isArray(op.parameters) ? op.parameters.filter(isObject).map(parameter) : undefined,
    responses: { response_code: responses },
    schemes: strings(op.schemes),
    deprecated: bool(op.deprecated),
    vendor_extension: vendorExtensions(op),
  });
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

function pathItem(item: Json): Message {
  const out: Message = { _ref: str(item.$ref) };
  for (const m of METHODS) if (isObject(item[m])) out[m] = operation(item[m] as Json);
  out.parameters = Array.isArray(item.parameters) ? item.parameters.filter(isObject).map(parameter) : undefined;
  out.vendor_extension = vendorExtensions(item);
  return compact(out);
}

/** A Swagger 2.0 JSON document (as buildV2 makes it) as gnostic's Document, encoded. */
export function encodeSwaggerProtobuf(doc: Json): Buffer {
  const info = isObject(doc.info) ? doc.info : {};
  const paths = isObject(doc.paths) ? doc.paths : {};
  const definitions = isObject(doc.definitions) ? doc.definitions : {};
  const securityDefinitions = isObject(doc.securityDefinitions) ? doc.securityDefinitions : {};
  const message = compact({
    swagger: str(doc.swagger),
    info: compact({ title: str(info.title), version: str(info.version), description: str(info.description) }),
    schemes: strings(doc.schemes),
    consumes: strings(doc.consumes),
    produces: strings(doc.produces),
    paths: { path: Object.entries(paths).filter(([, v]) => isObject(v)).map(([name, v]) => ({ name, value: pathItem(v as Json) })) },
    definitions: { additional_properties: Object.entries(definitions).filter(([, v]) => isObject(v)).map(([name, v]) => ({ name, value: schema(v as Json) })) },
    security: Array.isArray(doc.security)
      ? doc.security.filter(isObject).map((req) => ({
          additional_properties: Object.entries(req).map(([name, scopes]) => ({ name, value: { value: strings(scopes) ?? [] } })),
        }))
      : undefined,
    security_definitions: {
      additional_properties: Object.entries(securityDefinitions)
        .filter(([, v]) => isObject(v) && (v as Json).type === 'apiKey')
        .map(([name, v]) => {
          const d = v as Json;
          return { name, value: { api_key_security: compact({ type: str(d.type), name: str(d.name), in: str(d.in), description: str(d.description), vendor_extension: vendorExtensions(d) }) } };
        }),
    },
    vendor_extension: vendorExtensions(doc),
  });
  const type = messageType('openapi.v2.Document');
  return Buffer.from(type.encode(type.fromObject(message)).finish());
}
