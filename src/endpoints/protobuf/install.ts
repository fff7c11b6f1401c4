import { registerProtobufWatchEncoder } from '../handlers/watch.js';
import { registerBodyDecoder } from '../request-body.js';
import { registerProtobufEncoder } from '../responsewriters/object.js';
import { PROTOBUF_MEDIA_TYPE, decodeProtobuf, encodeProtobuf, encodeWatchEventProtobuf, protobufListParts, supportsProtobuf } from './codec.js';
import { protoRoot } from './loader.js';

/**
 * Plugs the protobuf codec into the endpoints: request bodies of
 * application/vnd.kubernetes.protobuf, protobuf responses and watch frames.
 * Loads the schema now, so a missing or broken proto/ fails at start, not on a request.
 */
export function installProtobufCodec(): void {
  protoRoot();
  registerBodyDecoder(PROTOBUF_MEDIA_TYPE, (body) => decodeProtobuf(body).object);
  registerProtobufEncoder(encodeProtobuf, supportsProtobuf, protobufListParts);
  registerProtobufWatchEncoder(encodeWatchEventProtobuf);
}
