/**
 * The apiregistration.k8s.io/v1 group-version's resource. The aggregator
 * server installs it itself, so it is not among the core server's built-ins.
 */
export {
  apiServices,
  apiServiceColumns,
  apiServiceNameFor,
  apiServiceNameValidator,
  apiServiceStatusStrategy,
  apiServiceStrategy,
  AVAILABLE,
  defaultAPIService,
  getAPIServiceCondition,
  setAPIServiceCondition,
  validateAPIService,
  validateAPIServiceStatus,
  validateAPIServiceUpdate,
  type APIService,
  type APIServiceCondition,
  type APIServiceSpec,
  type APIServiceStatus,
  type ConditionStatus,
  type ServiceReference,
} from './apiservices.js';
