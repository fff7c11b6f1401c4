import { StatusError, newBadRequest, newNotAcceptable, newUnsupportedMediaType } from '../../apimachinery/status-error.js';

/**
 * A protobuf body or object the codec cannot handle. It is a StatusError, so the
 * API's error handling renders it as kube does: 415 for a kind with no protobuf
 * form, 400 for bytes that do not parse, 406 for a response we cannot encode.
 */
export class ProtobufError extends StatusError {
  constructor(
    from: StatusError,
    /** What was refused, for logs ("v1, Kind=Widget"); not shown to the client. */
    readonly subject?: string,
  ) {
    super(from.status);
    this.name = 'ProtobufError';
  }
}

export const isProtobufError = (err: unknown): err is ProtobufError => err instanceof ProtobufError;

/** kube's 415 text for a body it cannot read. */
export const UNKNOWN_FORMAT_MESSAGE =
  'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf';

export const unsupportedKind = (apiVersion: string, kind: string): ProtobufError =>
  // kube's text, unchanged: clients match on it. The kind is not part of it.
  new ProtobufError(newUnsupportedMediaType(UNKNOWN_FORMAT_MESSAGE), `${apiVersion}, Kind=${kind}`);

export const malformed = (message: string): ProtobufError => new ProtobufError(newBadRequest(message));

export const notEncodable = (apiVersion: string, kind: string): ProtobufError =>
  new ProtobufError(
    newNotAcceptable(`the object of kind "${kind}" in version "${apiVersion}" cannot be encoded as application/vnd.kubernetes.protobuf`),
  );
