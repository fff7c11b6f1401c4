import { newNotAcceptable } from '../apimachinery/status-error.js';

/** What a response should be: its serialization, and whether it is transformed to a Table or to metadata only. */
export interface Rendering {
  format: 'json' | 'yaml' | 'protobuf';
  as?: 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList';
  includeObject?: 'None' | 'Metadata' | 'Object';
}

export const MEDIA_JSON = 'application/json';
export const MEDIA_YAML = 'application/yaml';
export const MEDIA_PROTOBUF = 'application/vnd.kubernetes.protobuf';

interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
}

function parseAccept(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part) => {
      const [type, ...rest] = part.trim().split(';');
      const params: Record<string, string> = {};
      for (const p of rest) {
        const i = p.indexOf('=');
        if (i > 0) params[p.slice(0, i).trim().toLowerCase()] = p.slice(i + 1).trim().replace(/^"|"$/g, '');
      }
      const q = params.q === undefined ? 1 : Number(params.q);
      delete params.q;
      return { type: (type ?? '').trim().toLowerCase(), params, q: Number.isFinite(q) ? q : 0 };
    })
    .filter((m) => m.type !== '' && m.q > 0)
    .sort((a, b) => b.q - a.q);
}

const formatOf = (type: string, allowProtobuf: boolean): Rendering['format'] | undefined => {
  if (type === MEDIA_JSON || type === '*/*' || type === 'application/*') return 'json';
  if (type === MEDIA_YAML) return 'yaml';
  if (type === MEDIA_PROTOBUF && allowProtobuf) return 'protobuf';
  return undefined;
};

/**
 * kube's content negotiation for resources: the first acceptable range wins.
 * `as=Table;g=meta.k8s.io;v=v1` and `as=PartialObjectMetadata(List)` transform
 * the answer; any other `as` is not acceptable, and neither is an unknown type.
 */
export function negotiate(accept: string | undefined, opts: { list: boolean; protobuf: boolean }): Rendering {
  if (!accept || accept.trim() === '') return { format: 'json' };
  // What most clients send, settled without parsing.
  if (accept === MEDIA_JSON || accept === '*/*') return { format: 'json' };
  const ranges = parseAccept(accept);
  for (const r of ranges) {
    const format = formatOf(r.type, opts.protobuf);
    if (!format) continue;
    const as = r.params.as;
    if (!as) return { format };
    const g = r.params.g;
    const v = r.params.v;
    if (g !== 'meta.k8s.io' || (v !== 'v1' && v !== 'v1beta1')) continue;
    if (as === 'Table' && format !== 'protobuf') {
      const includeObject = r.params.includeobject as Rendering['includeObject'] | undefined;
      return { format, as: 'Table', includeObject: includeObject ?? 'Metadata' };
    }
    if (as === 'PartialObjectMetadata' && !opts.list) return { format, as };
    if (as === 'PartialObjectMetadataList' && opts.list) return { format, as };
  }
  throw newNotAcceptable(
    `only the following media types are accepted: ${[MEDIA_JSON, MEDIA_YAML, ...(opts.protobuf ? [MEDIA_PROTOBUF] : [])].join(', ')}`,
  );
}
