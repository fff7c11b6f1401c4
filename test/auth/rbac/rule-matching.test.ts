import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PolicyRule } from '../../../src/apis/rbac/v1/types.js';
import { ruleAllows } from '../../../src/auth/authorizer/rbac/rule-matching.js';
import { pathAttrs, resourceAttrs } from './helpers.js';

const jane = { name: 'jane', groups: [] };

describe('ruleAllows', () => {
  const cases: { name: string; rule: PolicyRule; attrs: ReturnType<typeof resourceAttrs>; want: boolean }[] = [
    { name: 'exact verb, group, resource', rule: { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, attrs: resourceAttrs(jane, 'get', 'pods'), want: true },
    { name: 'other verb', rule: { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, attrs: resourceAttrs(jane, 'list', 'pods'), want: false },
    { name: 'other group', rule: { verbs: ['get'], apiGroups: ['apps'], resources: ['pods'] }, attrs: resourceAttrs(jane, 'get', 'pods'), want: false },
    { name: 'wildcards', rule: { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, attrs: resourceAttrs(jane, 'delete', 'deployments', { apiGroup: 'apps' }), want: true },
    { name: 'a resource rule does not grant its subresource', rule: { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, attrs: resourceAttrs(jane, 'get', 'pods', { subresource: 'log' }), want: false },
    { name: 'resource/subresource', rule: { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, attrs: resourceAttrs(jane, 'get', 'pods', { subresource: 'log' }), want: true },
    { name: '*/subresource', rule: { verbs: ['update'], apiGroups: ['*'], resources: ['*/status'] }, attrs: resourceAttrs(jane, 'update', 'deployments', { apiGroup: 'apps', subresource: 'status' }), want: true },
    { name: '*/subresource does not grant the resource', rule: { verbs: ['update'], apiGroups: ['*'], resources: ['*/status'] }, attrs: resourceAttrs(jane, 'update', 'deployments', { apiGroup: 'apps' }), want: false },
    { name: '*/other subresource', rule: { verbs: ['get'], apiGroups: [''], resources: ['*/scale'] }, attrs: resourceAttrs(jane, 'get', 'pods', { subresource: 'status' }), want: false },
    { name: 'resourceNames match the name', rule: { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, attrs: resourceAttrs(jane, 'get', 'configmaps', { name: 'a' }), want: true },
    { name: 'resourceNames refuse another name', rule: { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, attrs: resourceAttrs(jane, 'get', 'configmaps', { name: 'b' }), want: false },
    { name: 'resourceNames refuse a list (no name)', rule: { verbs: ['list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, attrs: resourceAttrs(jane, 'list', 'configmaps'), want: false },
    { name: 'a resource rule grants no path', rule: { verbs: ['get'], apiGroups: ['*'], resources: ['*'] }, attrs: pathAttrs(jane, 'get', '/healthz'), want: false },
    { name: 'exact URL', rule: { verbs: ['get'], nonResourceURLs: ['/healthz'] }, attrs: pathAttrs(jane, 'get', '/healthz'), want: true },
    { name: 'URL is not a prefix without *', rule: { verbs: ['get'], nonResourceURLs: ['/healthz'] }, attrs: pathAttrs(jane, 'get', '/healthz/ping'), want: false },
    { name: 'trailing * is a prefix', rule: { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, attrs: pathAttrs(jane, 'get', '/apis/apps/v1'), want: true },
    { name: 'trailing * does not match the bare parent', rule: { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, attrs: pathAttrs(jane, 'get', '/apis'), want: false },
    { name: '* URL', rule: { verbs: ['*'], nonResourceURLs: ['*'] }, attrs: pathAttrs(jane, 'post', '/anything'), want: true },
    { name: 'URL rule, other verb', rule: { verbs: ['get'], nonResourceURLs: ['*'] }, attrs: pathAttrs(jane, 'post', '/x'), want: false },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(ruleAllows(c.attrs, c.rule), c.want));
  }
});
