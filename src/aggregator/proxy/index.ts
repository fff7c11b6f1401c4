/** The aggregator's proxy to APIService backends; see proxy-handler.ts for the contract with the server. */
export { createAPIServiceProxy, type APIServiceProxy, type APIServiceProxyOptions } from './proxy-handler.js';
export { setPendingUpgrade, takePendingUpgrade, type PendingUpgrade } from './upgrade-context.js';
export {
  createServiceResolver,
  DEFAULT_SERVICE_PORT,
  isServiceResolutionError,
  ServiceResolutionError,
  type ResolvedEndpoint,
  type ResolveOptions,
  type ServiceLookups,
  type ServiceReference,
  type ServiceResolutionReason,
  type ServiceResolver,
} from './resolve.js';
export { createEndpointPicker, type EndpointPicker, type PickStrategy } from './endpoint-picker.js';
export { decodeCABundle, ProxyTransport, serverNameFor, TransportBuildError, type TransportConfig } from './transport.js';
export type { RequestHeaderNames } from './auth-proxy-headers.js';
