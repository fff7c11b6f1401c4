/**
 * Values of kube's library types (kubernetes.Quantity, kubernetes.URL,
 * kubernetes.NamedFormat, net.IP, net.CIDR) inside @bufbuild/cel, which
 * knows scalars, lists, maps and protobuf messages only. Each is a message
 * of a descriptor built here with one string field, `key`, the canonical
 * form @bufbuild/cel's `==` compares (so `quantity("1") == quantity("1000m")`
 * as in kube); the parsed value rides beside it for the library functions.
 */
import { create, createFileRegistry, type DescMessage } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { reflect, type ReflectMessage } from '@bufbuild/protobuf/reflect';
import { type CelObjectType, type CelValue, objectType } from '@bufbuild/cel';

const PARSED = Symbol('frontdoor.cel.parsed');
const STRING_FIELD = 9;
const OPTIONAL_LABEL = 1;

function registry(pkg: string, names: readonly string[]) {
  const file = create(FileDescriptorProtoSchema, {
    name: `frontdoor/cel/${pkg}.proto`,
    package: pkg,
    syntax: 'proto3',
    messageType: names.map((name) => ({ name, field: [{ name: 'key', number: 1, type: STRING_FIELD, label: OPTIONAL_LABEL, jsonName: 'key' }] })),
  });
  return createFileRegistry(file, () => undefined);
}

const kubernetes = registry('kubernetes', ['Quantity', 'URL', 'NamedFormat']);
const net = registry('net', ['IP', 'CIDR']);

/** One library type: its CEL type and how its values are made and read. */
export class OpaqueType<T> {
  readonly type: CelObjectType;
  constructor(private readonly desc: DescMessage) {
    this.type = objectType(desc);
  }

  get name(): string {
    return this.desc.typeName;
  }

  /** A value that `==` compares by `key`. */
  of(key: string, parsed: T): ReflectMessage {
    const r = reflect(this.desc, create(this.desc, { key } as never));
    Object.defineProperty(r, PARSED, { value: parsed });
    return r;
  }

  /** The parsed value, or a `no such overload` error for anything else. */
  from(v: CelValue | ReflectMessage): T {
    const parsed = (v as { [PARSED]?: T })[PARSED];
    if (parsed === undefined || (v as ReflectMessage).desc?.typeName !== this.desc.typeName) throw new Error('no such overload');
    return parsed;
  }
}

const desc = (reg: ReturnType<typeof registry>, name: string): DescMessage => {
  const d = reg.getMessage(name);
  if (!d) throw new Error(`descriptor ${name} missing`);
  return d;
};

export const QUANTITY_DESC = desc(kubernetes, 'kubernetes.Quantity');
export const URL_DESC = desc(kubernetes, 'kubernetes.URL');
export const FORMAT_DESC = desc(kubernetes, 'kubernetes.NamedFormat');
export const IP_DESC = desc(net, 'net.IP');
export const CIDR_DESC = desc(net, 'net.CIDR');
