import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  createRequestInfoResolver,
  RequestInfoError,
  type RequestInfo,
} from '../../src/endpoints/request/request-info.js';

interface Case {
  method: string;
  url: string;
  expected: Partial<RequestInfo>;
}

const resolve = createRequestInfoResolver();

// Shorthands for the fields most rows share.
const core = { isResourceRequest: true, apiPrefix: 'api', apiGroup: '', apiVersion: 'v1' } as const;
const group = (apiGroup: string, apiVersion: string) =>
  ({ isResourceRequest: true, apiPrefix: 'apis', apiGroup, apiVersion }) as const;
const nonResource = (path: string, verb = 'get', apiPrefix = ''): Partial<RequestInfo> => ({
  isResourceRequest: false, path, verb, apiPrefix, apiGroup: '', apiVersion: '', namespace: '', resource: '', subresource: '', name: '', parts: [],
  fieldSelector: undefined, labelSelector: undefined,
});

/**
 * kube's TestGetAPIRequestInfo success table, every row, with every field it
 * lists. (kube's table writes apiPrefix "api" for the /apis rows but never
 * checks it; the parser gives "apis", and so do we.)
 */
const kubeResourceCases: Case[] = [
  // resource paths
  { method: 'GET', url: '/api/v1/namespaces', expected: { ...core, verb: 'list', namespace: '', resource: 'namespaces', subresource: '', name: '', parts: ['namespaces'] } },
  { method: 'GET', url: '/api/v1/namespaces/other', expected: { ...core, verb: 'get', namespace: 'other', resource: 'namespaces', subresource: '', name: 'other', parts: ['namespaces', 'other'] } },
  { method: 'GET', url: '/api/v1/namespaces/other/pods', expected: { ...core, verb: 'list', namespace: 'other', resource: 'pods', subresource: '', name: '', parts: ['pods'] } },
  { method: 'GET', url: '/api/v1/namespaces/other/pods/foo', expected: { ...core, verb: 'get', namespace: 'other', resource: 'pods', subresource: '', name: 'foo', parts: ['pods', 'foo'] } },
  { method: 'HEAD', url: '/api/v1/namespaces/other/pods/foo', expected: { ...core, verb: 'get', namespace: 'other', resource: 'pods', subresource: '', name: 'foo', parts: ['pods', 'foo'] } },
  { method: 'GET', url: '/api/v1/pods', expected: { ...core, verb: 'list', namespace: '', resource: 'pods', subresource: '', name: '', parts: ['pods'] } },
  { method: 'HEAD', url: '/api/v1/pods', expected: { ...core, verb: 'list', namespace: '', resource: 'pods', subresource: '', name: '', parts: ['pods'] } },
  { method: 'GET', url: '/api/v1/namespaces/other/pods/foo', expected: { ...core, verb: 'get', namespace: 'other', resource: 'pods', subresource: '', name: 'foo', parts: ['pods', 'foo'] } },
  { method: 'GET', url: '/api/v1/namespaces/other/pods', expected: { ...core, verb: 'list', namespace: 'other', resource: 'pods', subresource: '', name: '', parts: ['pods'] } },

  // special verbs
  { method: 'GET', url: '/api/v1/proxy/namespaces/other/pods/foo', expected: { ...core, verb: 'proxy', namespace: 'other', resource: 'pods', subresource: '', name: 'foo', parts: ['pods', 'foo'] } },
  { method: 'GET', url: '/api/v1/proxy/namespaces/other/pods/foo/subpath/not/a/subresource', expected: { ...core, verb: 'proxy', namespace: 'other', resource: 'pods', subresource: '', name: 'foo', parts: ['pods', 'foo', 'subpath', 'not', 'a', 'subresource'] } },
  { method: 'GET', url: '/api/v1/watch/pods', expected: { ...core, verb: 'watch', namespace: '', resource: 'pods', subresource: '', name: '', parts: ['pods'] } },
  { method: 'GET', url: '/api/v1/pods?watch=true', expected: { ...core, verb: 'watch', namespace: '', resource: 'pods', subresource: '', name: '', parts: ['pods'] } },
  { method: 'GET', url: '/api/v1/pods?watch=false', expected: { ...core, verb: 'list', namespace: '', resource: 'pods', subresource: '', name: '', parts: ['pods'] } },
  { method: 'GET', url: '/api/v1/watch/namespaces/other/pods', expected: { ...core, verb: 'watch', namespace: 'other', resource: 'pods', subresource: '', name: '', parts: ['pods'] } },
  { method: 'GET', url: '/api/v1/namespaces/other/pods?watch=1', expected: { ...core, verb: 'watch', namespace: 'other', resource: 'pods', subresource: '', name: '', parts: ['pods'] } },
  { method: 'GET', url: '/api/v1/namespaces/other/pods?watch=0', expected: { ...core, verb: 'list', namespace: 'other', resource: 'pods', subresource: '', name: '', parts: ['pods'] } },

  // subresource identification
  { method: 'GET', url: '/api/v1/namespaces/other/pods/foo/status', expected: { ...core, verb: 'get', namespace: 'other', resource: 'pods', subresource: 'status', name: 'foo', parts: ['pods', 'foo', 'status'] } },
  { method: 'GET', url: '/api/v1/namespaces/other/pods/foo/proxy/subpath', expected: { ...core, verb: 'get', namespace: 'other', resource: 'pods', subresource: 'proxy', name: 'foo', parts: ['pods', 'foo', 'proxy', 'subpath'] } },
  { method: 'PUT', url: '/api/v1/namespaces/other/finalize', expected: { ...core, verb: 'update', namespace: 'other', resource: 'namespaces', subresource: 'finalize', name: 'other', parts: ['namespaces', 'other', 'finalize'] } },
  { method: 'PUT', url: '/api/v1/namespaces/other/status', expected: { ...core, verb: 'update', namespace: 'other', resource: 'namespaces', subresource: 'status', name: 'other', parts: ['namespaces', 'other', 'status'] } },

  // verb identification
  { method: 'PATCH', url: '/api/v1/namespaces/other/pods/foo', expected: { ...core, verb: 'patch', namespace: 'other', resource: 'pods', subresource: '', name: 'foo', parts: ['pods', 'foo'] } },
  { method: 'DELETE', url: '/api/v1/namespaces/other/pods/foo', expected: { ...core, verb: 'delete', namespace: 'other', resource: 'pods', subresource: '', name: 'foo', parts: ['pods', 'foo'] } },
  { method: 'POST', url: '/api/v1/namespaces/other/pods', expected: { ...core, verb: 'create', namespace: 'other', resource: 'pods', subresource: '', name: '', parts: ['pods'] } },

  // deletecollection verb identification
  { method: 'DELETE', url: '/api/v1/nodes', expected: { ...core, verb: 'deletecollection', namespace: '', resource: 'nodes', subresource: '', name: '', parts: ['nodes'] } },
  { method: 'DELETE', url: '/api/v1/namespaces', expected: { ...core, verb: 'deletecollection', namespace: '', resource: 'namespaces', subresource: '', name: '', parts: ['namespaces'] } },
  { method: 'DELETE', url: '/api/v1/namespaces/other/pods', expected: { ...core, verb: 'deletecollection', namespace: 'other', resource: 'pods', subresource: '', name: '', parts: ['pods'] } },
  { method: 'DELETE', url: '/apis/extensions/v1/namespaces/other/pods', expected: { ...group('extensions', 'v1'), verb: 'deletecollection', namespace: 'other', resource: 'pods', subresource: '', name: '', parts: ['pods'] } },

  // api group identification
  { method: 'POST', url: '/apis/extensions/v1/namespaces/other/pods', expected: { ...group('extensions', 'v1'), verb: 'create', namespace: 'other', resource: 'pods', subresource: '', name: '', parts: ['pods'] } },

  // api version identification
  { method: 'POST', url: '/apis/extensions/v1beta3/namespaces/other/pods', expected: { ...group('extensions', 'v1beta3'), verb: 'create', namespace: 'other', resource: 'pods', subresource: '', name: '', parts: ['pods'] } },
];

/** kube's error-named cases of TestGetAPIRequestInfo: none is an error, all are non-resource. */
const kubeShortPathCases: Case[] = [
  { method: 'GET', url: '/', expected: nonResource('/') }, // no resource path
  { method: 'GET', url: '/api/version/', expected: nonResource('/api/version/') }, // just apiversion; apiversion with no resource
  { method: 'GET', url: '/apis/group/version/', expected: nonResource('/apis/group/version/', 'get', 'apis') }, // just prefix, group, version
  { method: 'GET', url: '/badprefix/version/resource', expected: nonResource('/badprefix/version/resource') }, // bad prefix
  { method: 'GET', url: '/apis/version/resource', expected: nonResource('/apis/version/resource', 'get', 'apis') }, // missing api group
];

/** kube's TestGetNonAPIRequestInfo: which paths are resource requests at all. */
const kubeNonAPICases: Case[] = [
  { method: 'GET', url: '/api/version/resource', expected: { isResourceRequest: true } }, // simple groupless
  { method: 'GET', url: '/apis/group/version/resource/name/subresource', expected: { isResourceRequest: true } }, // simple group
  { method: 'GET', url: '/api/version/resource/name/subresource', expected: { isResourceRequest: true } }, // more steps
  { method: 'GET', url: '/apis/batch/v1/job', expected: { isResourceRequest: true } }, // group list
  { method: 'GET', url: '/apis/batch/v1/job/foo', expected: { isResourceRequest: true } }, // group get
  { method: 'GET', url: '/apis/batch/v1/job/foo/scale', expected: { isResourceRequest: true } }, // group subresource
  { method: 'GET', url: '/not-api/version/resource', expected: { isResourceRequest: false } }, // bad root
  { method: 'GET', url: '/apis/extensions/v1beta1', expected: { isResourceRequest: false } }, // group without enough steps
  { method: 'GET', url: '/apis/extensions/v1beta1/', expected: { isResourceRequest: false } }, // group without enough steps 2
  { method: 'GET', url: '/api/version', expected: { isResourceRequest: false } }, // not enough steps
  { method: 'GET', url: '/api', expected: { isResourceRequest: false } }, // one step
  { method: 'GET', url: '/', expected: { isResourceRequest: false } }, // zero step
  { method: 'GET', url: '', expected: nonResource('') }, // empty
];

/** kube's TestSelectorParsing, every row. */
const kubeSelectorCases: Case[] = [
  // no selector
  { method: 'GET', url: '/apis/group/version/resource', expected: { name: '', verb: 'list', fieldSelector: undefined, labelSelector: undefined } },
  // metadata.name selector
  { method: 'GET', url: '/apis/group/version/resource?fieldSelector=metadata.name=name1', expected: { name: 'name1', verb: 'list', fieldSelector: 'metadata.name=name1', labelSelector: undefined } },
  // metadata.name selector with watch
  { method: 'GET', url: '/apis/group/version/resource?watch=true&fieldSelector=metadata.name=name1', expected: { name: 'name1', verb: 'watch', fieldSelector: 'metadata.name=name1' } },
  // random selector
  { method: 'GET', url: '/apis/group/version/resource?fieldSelector=foo=bar&labelSelector=baz=qux', expected: { name: '', verb: 'list', fieldSelector: 'foo=bar', labelSelector: 'baz=qux' } },
  // invalid selector with metadata.name: the name is not trusted, the raw selector is kept
  { method: 'GET', url: '/apis/group/version/resource?fieldSelector=metadata.name=name1,foo', expected: { name: '', verb: 'list', fieldSelector: 'metadata.name=name1,foo' } },
  // invalid selector with metadata.name with watch
  { method: 'GET', url: '/apis/group/version/resource?fieldSelector=metadata.name=name1,foo&watch=true', expected: { name: '', verb: 'watch', fieldSelector: 'metadata.name=name1,foo' } },
  // invalid selector with metadata.name with watch false
  { method: 'GET', url: '/apis/group/version/resource?fieldSelector=metadata.name=name1,foo&watch=false', expected: { name: '', verb: 'list', fieldSelector: 'metadata.name=name1,foo' } },
  // selector on deletecollection is honored
  { method: 'DELETE', url: '/apis/group/version/resource?fieldSelector=foo=bar&labelSelector=baz=qux', expected: { name: '', verb: 'deletecollection', fieldSelector: 'foo=bar', labelSelector: 'baz=qux' } },
  // selector on repeated param matches parsed param: the first value, both for the name and the raw selectors
  { method: 'GET', url: '/apis/group/version/resource?fieldSelector=metadata.name=foo&fieldSelector=metadata.name=bar&labelSelector=foo=bar&labelSelector=foo=baz', expected: { name: 'foo', verb: 'list', fieldSelector: 'metadata.name=foo', labelSelector: 'foo=bar' } },
  // selector on other verb is ignored
  { method: 'GET', url: '/apis/group/version/resource/name?fieldSelector=foo=bar&labelSelector=foo=bar', expected: { name: 'name', verb: 'get', fieldSelector: undefined, labelSelector: undefined } },
  // selector on deprecated root type watch is not parsed
  { method: 'GET', url: '/apis/group/version/watch/resource?fieldSelector=metadata.name=foo&labelSelector=foo=bar', expected: { name: '', verb: 'watch', fieldSelector: undefined, labelSelector: undefined } },
  // selector on deprecated root item watch is not parsed
  { method: 'GET', url: '/apis/group/version/watch/resource/name?fieldSelector=metadata.name=foo&labelSelector=foo=bar', expected: { name: 'name', verb: 'watch', fieldSelector: undefined, labelSelector: undefined } },
];

/** Our own edge cases, read from kube's parser. */
const edgeCases: Case[] = [
  // discovery and other non-resource paths: the verb is the lower-case method
  { method: 'GET', url: '/api', expected: nonResource('/api') },
  { method: 'GET', url: '/apis', expected: nonResource('/apis') },
  { method: 'GET', url: '/api/v1', expected: nonResource('/api/v1') },
  { method: 'GET', url: '/api/v1/', expected: nonResource('/api/v1/') },
  { method: 'GET', url: '/apis/apps', expected: nonResource('/apis/apps') },
  // kube records the prefix before it finds the path too short for a group
  { method: 'GET', url: '/apis/apps/v1', expected: nonResource('/apis/apps/v1', 'get', 'apis') },
  { method: 'GET', url: '/healthz', expected: nonResource('/healthz') },
  { method: 'GET', url: '/healthz/etcd?verbose', expected: nonResource('/healthz/etcd') },
  { method: 'GET', url: '/version', expected: nonResource('/version') },
  { method: 'GET', url: '/version/', expected: nonResource('/version/') },
  { method: 'GET', url: '/openapi/v2', expected: nonResource('/openapi/v2') },
  { method: 'POST', url: '/healthz', expected: nonResource('/healthz', 'post') },
  { method: 'HEAD', url: '/readyz', expected: nonResource('/readyz', 'head') },
  { method: 'OPTIONS', url: '*', expected: nonResource('*', 'options') },

  // trailing and doubled slashes
  { method: 'GET', url: '/api/v1/namespaces/other/pods/', expected: { ...core, verb: 'list', namespace: 'other', resource: 'pods', name: '', parts: ['pods'], path: '/api/v1/namespaces/other/pods/' } },
  { method: 'GET', url: '/api/v1/pods/foo/', expected: { ...core, verb: 'get', resource: 'pods', name: 'foo', parts: ['pods', 'foo'] } },
  { method: 'GET', url: '//api/v1/pods//', expected: { ...core, verb: 'list', resource: 'pods', parts: ['pods'] } },
  { method: 'GET', url: '/api/v1/namespaces//pods', expected: { ...core, verb: 'list', namespace: '', resource: 'pods', parts: ['pods'] } },
  // an empty name with a subresource is still a collection read
  { method: 'GET', url: '/api/v1/namespaces/other/pods//status', expected: { ...core, verb: 'list', resource: 'pods', name: '', subresource: 'status' } },

  // more verbs and subresources
  { method: 'POST', url: '/api/v1/namespaces/other/pods/foo/eviction', expected: { ...core, verb: 'create', namespace: 'other', resource: 'pods', name: 'foo', subresource: 'eviction' } },
  { method: 'GET', url: '/apis/apps/v1/namespaces/ns/deployments/d/scale', expected: { ...group('apps', 'v1'), verb: 'get', namespace: 'ns', resource: 'deployments', name: 'd', subresource: 'scale', parts: ['deployments', 'd', 'scale'] } },
  { method: 'GET', url: '/api/v1/namespaces/other/finalize', expected: { ...core, verb: 'get', namespace: 'other', resource: 'namespaces', name: 'other', subresource: 'finalize' } },
  { method: 'PUT', url: '/api/v1/namespaces/other/status/extra', expected: { ...core, verb: 'update', namespace: 'other', resource: 'namespaces', name: 'other', subresource: 'status', parts: ['namespaces', 'other', 'status', 'extra'] } },
  { method: 'DELETE', url: '/api/v1/namespaces/other', expected: { ...core, verb: 'delete', namespace: 'other', resource: 'namespaces', name: 'other' } },
  { method: 'OPTIONS', url: '/api/v1/pods', expected: { ...core, verb: '', resource: 'pods', name: '' } },
  { method: 'get', url: '/api/v1/pods', expected: { ...core, verb: '', resource: 'pods' } }, // methods match case-sensitively, as in Go
  { method: 'POST', url: '/api/v1/proxy/nodes/n1/stats/summary', expected: { ...core, verb: 'proxy', resource: 'nodes', name: 'n1', subresource: '', parts: ['nodes', 'n1', 'stats', 'summary'] } },
  { method: 'GET', url: '/api/v1/watch/namespaces/ns/pods/foo', expected: { ...core, verb: 'watch', namespace: 'ns', resource: 'pods', name: 'foo', parts: ['pods', 'foo'] } },
  { method: 'GET', url: '/api/v1/watch/pods/foo/status', expected: { ...core, verb: 'watch', resource: 'pods', name: 'foo', subresource: 'status' } },
  { method: 'DELETE', url: '/api/v1/watch/pods', expected: { ...core, verb: 'watch', resource: 'pods' } },
  { method: 'GET', url: '/api/v1/watch/namespaces', expected: { ...core, verb: 'watch', namespace: '', resource: 'namespaces', parts: ['namespaces'] } },

  // kube's watch parameter: absent, "0" or any-case "false" is false; anything else is true
  { method: 'GET', url: '/api/v1/pods?watch=True', expected: { verb: 'watch' } }, // the Python client
  { method: 'GET', url: '/api/v1/pods?watch=t', expected: { verb: 'watch' } },
  { method: 'GET', url: '/api/v1/pods?watch=yes', expected: { verb: 'watch' } },
  { method: 'GET', url: '/api/v1/pods?watch=', expected: { verb: 'watch' } },
  { method: 'GET', url: '/api/v1/pods?watch', expected: { verb: 'watch' } },
  { method: 'GET', url: '/api/v1/pods?watch=FALSE', expected: { verb: 'list' } },
  { method: 'GET', url: '/api/v1/pods?watch=0&watch=1', expected: { verb: 'list' } },
  { method: 'GET', url: '/api/v1/pods?watch=%74rue', expected: { verb: 'watch' } },
  { method: 'HEAD', url: '/api/v1/pods?watch=1', expected: { verb: 'watch' } },
  { method: 'GET', url: '/api/v1/pods/foo?watch=1', expected: { verb: 'get', name: 'foo' } }, // a named get stays a get
  { method: 'POST', url: '/api/v1/namespaces/ns/pods?watch=1', expected: { verb: 'create' } },

  // metadata.name field selectors
  { method: 'GET', url: '/api/v1/namespaces/ns/pods?fieldSelector=metadata.name%3Dfoo', expected: { verb: 'list', name: 'foo', fieldSelector: 'metadata.name=foo' } },
  { method: 'GET', url: '/api/v1/namespaces/ns/pods?fieldSelector=metadata.name%3D%3Dfoo', expected: { verb: 'list', name: 'foo', fieldSelector: 'metadata.name==foo' } },
  { method: 'GET', url: '/api/v1/namespaces/ns/pods?fieldSelector=metadata.name!%3Dfoo', expected: { verb: 'list', name: '', fieldSelector: 'metadata.name!=foo' } },
  { method: 'GET', url: '/api/v1/pods?fieldSelector=status.phase%3DRunning,metadata.name%3Dfoo', expected: { name: 'foo' } },
  { method: 'GET', url: '/api/v1/pods?fieldSelector=metadata.name%3Db,metadata.name%3Da', expected: { name: 'a' } }, // terms are sorted, as in kube
  { method: 'GET', url: '/api/v1/pods?fieldSelector=metadata.name%3Da%5C%2Cb', expected: { name: 'a,b', fieldSelector: 'metadata.name=a\\,b' } },
  { method: 'GET', url: '/api/v1/pods?fieldSelector=metadata.name%3Da%5Cb', expected: { name: '' } }, // unknown escape: invalid selector
  { method: 'GET', url: '/api/v1/pods?fieldSelector=metadata.name%3Da%3Db', expected: { name: '' } }, // unescaped '=' in a value
  { method: 'GET', url: '/api/v1/pods?fieldSelector=metadata.name', expected: { name: '', fieldSelector: 'metadata.name' } }, // no operator
  { method: 'GET', url: '/api/v1/pods?fieldSelector=metadata.name%3D', expected: { verb: 'list', name: '' } },
  { method: 'GET', url: '/api/v1/pods?fieldSelector=+metadata.name%3Dfoo', expected: { name: '', fieldSelector: ' metadata.name=foo' } }, // '+' is a space; the field no longer matches
  // names that could not be a path segment are not trusted
  { method: 'GET', url: '/api/v1/pods?fieldSelector=metadata.name%3Da/b', expected: { name: '' } },
  { method: 'GET', url: '/api/v1/pods?fieldSelector=metadata.name%3Da%25b', expected: { name: '' } },
  { method: 'GET', url: '/api/v1/pods?fieldSelector=metadata.name%3D..', expected: { name: '' } },
  { method: 'GET', url: '/api/v1/pods?fieldSelector=metadata.name%3D.', expected: { name: '' } },
  // a query that fails to decode as ListOptions drops the name but not the verb or the raw selector
  { method: 'GET', url: '/api/v1/pods?limit=abc&fieldSelector=metadata.name%3Dfoo', expected: { verb: 'list', name: '', fieldSelector: 'metadata.name=foo' } },
  { method: 'GET', url: '/api/v1/pods?timeoutSeconds=9223372036854775808&watch=1&fieldSelector=metadata.name%3Dfoo', expected: { verb: 'watch', name: '' } },
  { method: 'GET', url: '/api/v1/pods?limit=500&timeoutSeconds=-1&watch=1&fieldSelector=metadata.name%3Dfoo', expected: { verb: 'watch', name: 'foo' } },
  // only a collection get turns a metadata.name selector into a name
  { method: 'DELETE', url: '/api/v1/pods?fieldSelector=metadata.name%3Dfoo', expected: { verb: 'deletecollection', name: '', fieldSelector: 'metadata.name=foo' } },
  // kube has no metadata.namespace special case: the namespace comes from the path only
  { method: 'GET', url: '/api/v1/pods?fieldSelector=metadata.namespace%3Dkube-system', expected: { verb: 'list', namespace: '', name: '', fieldSelector: 'metadata.namespace=kube-system' } },
  { method: 'GET', url: '/api/v1/pods?labelSelector=app+in+(a%2Cb)', expected: { labelSelector: 'app in (a,b)' } },
  { method: 'GET', url: '/api/v1/pods?fieldSelector=', expected: { verb: 'list', name: '', fieldSelector: '' } },

  // the path is percent-decoded before it is split, as Go's URL.Path is
  { method: 'GET', url: '/api/v1/namespaces/ns/configmaps/caf%C3%A9', expected: { name: 'café', path: '/api/v1/namespaces/ns/configmaps/café' } },
  { method: 'GET', url: '/api/v1/namespaces/a%2Fb/pods', expected: { namespace: 'a', resource: 'b', name: 'pods', path: '/api/v1/namespaces/a/b/pods' } },
  { method: 'GET', url: '/api/v1/namespaces/a+b/pods', expected: { namespace: 'a+b' } },
  // an absolute-form target
  { method: 'GET', url: 'https://example.com:6443/api/v1/pods?watch=1', expected: { ...core, verb: 'watch', resource: 'pods', path: '/api/v1/pods' } },
];

function check(cases: Case[], resolver = resolve): void {
  for (const { method, url, expected } of cases) {
    it(`${method} ${url === '' ? '(empty)' : url}`, () => {
      const info = resolver(method, url);
      for (const [key, want] of Object.entries(expected)) {
        assert.deepEqual(info[key as keyof RequestInfo], want, `${key} of ${method} ${url}`);
      }
      // Invariants of every answer.
      assert.equal(info.path, expected.path ?? url.split('?')[0].replace(/^https?:\/\/[^/]*/, ''));
      if (info.isResourceRequest) assert.equal(info.resource, info.parts[0]);
    });
  }
}

describe('RequestInfo: kube TestGetAPIRequestInfo', () => check(kubeResourceCases));
describe('RequestInfo: kube TestGetAPIRequestInfo short paths', () => check(kubeShortPathCases));
describe('RequestInfo: kube TestGetNonAPIRequestInfo', () => check(kubeNonAPICases));
describe('RequestInfo: kube TestSelectorParsing', () => check(kubeSelectorCases));
describe('RequestInfo: edge cases', () => check(edgeCases));

describe('RequestInfo: errors', () => {
  const errorCases: Array<{ method: string; url: string; message: RegExp }> = [
    // a special verb with nothing after it: kube's only parse error
    { method: 'GET', url: '/api/v1/watch', message: /unable to determine kind and namespace/ },
    { method: 'GET', url: '/api/v1/watch/', message: /unable to determine kind and namespace/ },
    { method: 'GET', url: '/api/v1/proxy', message: /unable to determine kind and namespace/ },
    { method: 'GET', url: '/apis/apps/v1/watch?watch=1', message: /unable to determine kind and namespace/ },
    // a malformed escape in the path (Go's server refuses these before kube sees them)
    { method: 'GET', url: '/api/v1/namespaces/ns/pods/a%zz', message: /invalid URL escape/ },
    { method: 'GET', url: '/healthz%', message: /invalid URL escape/ },
    { method: 'GET', url: '/api/v1/pods/a%2', message: /invalid URL escape/ },
  ];
  for (const { method, url, message } of errorCases) {
    it(`${method} ${url}`, () => {
      assert.throws(() => resolve(method, url), (err: unknown) => {
        assert.ok(err instanceof RequestInfoError);
        assert.ok(err instanceof Error);
        assert.equal(err.name, 'RequestInfoError');
        assert.equal(err.url, url);
        assert.match(err.message, message);
        return true;
      });
    });
  }
  it('a bad escape in the query is not an error', () => {
    assert.equal(resolve('GET', '/api/v1/pods?labelSelector=%zz').labelSelector, '%zz');
  });
});

describe('RequestInfo: resolver options', () => {
  const custom = createRequestInfoResolver({
    apiPrefixes: new Set(['api', 'apis', 'legacy']),
    grouplessApiPrefixes: new Set(['api', 'legacy']),
  });
  check(
    [
      { method: 'GET', url: '/legacy/v1/pods', expected: { isResourceRequest: true, apiPrefix: 'legacy', apiGroup: '', apiVersion: 'v1', verb: 'list', resource: 'pods' } },
      { method: 'GET', url: '/apis/apps/v1/deployments', expected: { isResourceRequest: true, apiPrefix: 'apis', apiGroup: 'apps', resource: 'deployments' } },
    ],
    custom,
  );
  // Only the given field is replaced; the other keeps its default.
  const noLegacyCore = createRequestInfoResolver({ apiPrefixes: new Set(['apis']) });
  check(
    [
      { method: 'GET', url: '/api/v1/pods', expected: nonResource('/api/v1/pods') },
      { method: 'GET', url: '/apis/apps/v1/deployments', expected: { isResourceRequest: true, apiGroup: 'apps', apiVersion: 'v1', resource: 'deployments' } },
    ],
    noLegacyCore,
  );
  it('copies the option sets, so later changes do not leak in', () => {
    const prefixes = new Set(['api', 'apis']);
    const resolver = createRequestInfoResolver({ apiPrefixes: prefixes });
    prefixes.delete('api');
    assert.equal(resolver('GET', '/api/v1/pods').isResourceRequest, true);
  });
  it('returns fresh objects', () => {
    const a = resolve('GET', '/api/v1/pods');
    a.parts.push('x');
    assert.deepEqual(resolve('GET', '/api/v1/pods').parts, ['pods']);
  });
});
