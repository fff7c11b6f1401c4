import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadPolicyFile, parsePolicy, PolicyError } from '../../src/audit/policy-loader.js';
import { makeTempDir, type TempDir } from '../helpers/tmp.js';

const HEAD = 'apiVersion: audit.k8s.io/v1\nkind: Policy\n';

const refused = (text: string): string => {
  try {
    parsePolicy(text);
  } catch (err) {
    assert.ok(err instanceof PolicyError, String(err));
    return err.message;
  }
  assert.fail('the policy was accepted');
};

describe('audit policy loading', () => {
  let tmp: TempDir;
  before(async () => {
    tmp = await makeTempDir('frontdoor-audit-policy-');
  });
  after(async () => {
    await tmp.remove();
  });

  it('reads a YAML policy with every kind of rule', () => {
    const { policy, warnings } = parsePolicy(`${HEAD}omitStages: [RequestReceived]
rules:
  - level: None
    nonResourceURLs: ["/healthz*"]
  - level: Metadata
    resources: [{ group: "", resources: ["secrets", "configmaps"] }]
  - level: RequestResponse
    users: [alice]
    userGroups: [devs]
    verbs: [create]
    namespaces: [default]
    resources: [{ group: apps, resources: ["deployments/scale"], resourceNames: [web] }]
    omitStages: [ResponseStarted]
    omitManagedFields: true
`);
    assert.deepEqual(warnings, []);
    assert.deepEqual(policy.omitStages, ['RequestReceived']);
    assert.equal(policy.rules.length, 3);
    assert.deepEqual(policy.rules[0]!.nonResourceURLs, ['/healthz*']);
    assert.deepEqual(policy.rules[1]!.resources, [{ group: '', resources: ['secrets', 'configmaps'], resourceNames: undefined }]);
    const r = policy.rules[2]!;
    assert.equal(r.level, 'RequestResponse');
    assert.deepEqual(r.users, ['alice']);
    assert.deepEqual(r.resources, [{ group: 'apps', resources: ['deployments/scale'], resourceNames: ['web'] }]);
    assert.deepEqual(r.omitStages, ['ResponseStarted']);
    assert.equal(r.omitManagedFields, true);
  });

  it('reads a JSON policy', () => {
    const { policy } = parsePolicy(JSON.stringify({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'Metadata' }] }));
    assert.deepEqual(policy.rules.map((r) => r.level), ['Metadata']);
  });

  it('warns about unknown fields and keeps the rest, as kube\'s lenient fallback', () => {
    const { policy, warnings } = parsePolicy(`${HEAD}rules:\n  - level: Metadata\n    resourcez: [pods]\n`);
    assert.equal(policy.rules[0]!.level, 'Metadata');
    assert.deepEqual(warnings, ['unknown field "rules[0].resourcez"']);
  });

  const errors: { name: string; text: string; message: RegExp | string }[] = [
    { name: 'unparsable YAML', text: 'rules: [', message: /^failed decoding: / },
    { name: 'not an object', text: '- level: None', message: 'failed decoding: the policy must be an object' },
    { name: 'another apiVersion', text: 'apiVersion: audit.k8s.io/v1beta1\nkind: Policy\nrules: [{level: None}]', message: /^unknown group version field "audit.k8s.io\/v1beta1, Kind=Policy" in policy/ },
    { name: 'another kind', text: 'apiVersion: audit.k8s.io/v1\nkind: Event\nrules: [{level: None}]', message: /^unknown group version field "audit.k8s.io\/v1, Kind=Event"/ },
    { name: 'no rules', text: `${HEAD}rules: []`, message: 'loaded illegal policy with 0 rules' },
    { name: 'no rules field', text: HEAD, message: 'loaded illegal policy with 0 rules' },
    { name: 'a rule without a level', text: `${HEAD}rules: [{verbs: [get]}]`, message: 'rules[0].level: Required value' },
    {
      name: 'an unknown level',
      text: `${HEAD}rules: [{level: Everything}]`,
      message: 'rules[0].level: Unsupported value: "Everything": supported values: "None", "Metadata", "Request", "RequestResponse"',
    },
    {
      name: 'an unknown stage in a rule',
      text: `${HEAD}rules: [{level: None, omitStages: [Done]}]`,
      message: 'rules[0].omitStages[0]: Invalid value: "Done": allowed stages are RequestReceived,ResponseStarted,ResponseComplete,Panic',
    },
    {
      name: 'an unknown stage in the policy',
      text: `${HEAD}omitStages: [Later]\nrules: [{level: None}]`,
      message: 'omitStages[0]: Invalid value: "Later": allowed stages are RequestReceived,ResponseStarted,ResponseComplete,Panic',
    },
    {
      name: 'a non-resource URL without a leading slash',
      text: `${HEAD}rules: [{level: None, nonResourceURLs: ["healthz"]}]`,
      message: 'rules[0].nonResourceURLs[0]: Invalid value: "healthz": non-resource URL rules must begin with a \'/\' character',
    },
    {
      name: 'a wildcard that is not last',
      text: `${HEAD}rules: [{level: None, nonResourceURLs: ["/api/*/x"]}]`,
      message: 'rules[0].nonResourceURLs[0]: Invalid value: "/api/*/x": non-resource URL wildcards \'*\' must be the final character of the rule',
    },
    {
      name: 'resources and non-resource URLs in one rule',
      text: `${HEAD}rules: [{level: None, nonResourceURLs: ["/x"], namespaces: [default]}]`,
      message: 'rules[0].nonResourceURLs: Invalid value: []string{"/x"}: rules cannot apply to both regular resources and non-resource URLs',
    },
    {
      name: 'a group with a version',
      text: `${HEAD}rules: [{level: None, resources: [{group: "rbac.authorization.k8s.io/v1"}]}]`,
      message: /^rules\[0\]\.resources\.group: Invalid value: "rbac.authorization.k8s.io\/v1": a lowercase RFC 1123 subdomain/,
    },
    {
      name: 'resourceNames without resources',
      text: `${HEAD}rules: [{level: None, resources: [{group: "", resourceNames: [x]}]}]`,
      message: 'rules[0].resources.resourceNames: Invalid value: []string{"x"}: using resourceNames requires at least one resource',
    },
    { name: 'a string where a list belongs', text: `${HEAD}rules: [{level: None, users: alice}]`, message: 'rules[0].users: Invalid value: "alice": must be a list of strings' },
    {
      name: 'several problems at once',
      text: `${HEAD}rules: [{level: Loud}, {level: None, omitStages: [Never]}]`,
      message: /^\[rules\[0\]\.level: Unsupported value: "Loud".*, rules\[1\]\.omitStages\[0\]: Invalid value: "Never".*\]$/,
    },
  ];
  for (const c of errors) {
    it(`refuses ${c.name}`, () => {
      const message = refused(c.text);
      if (typeof c.message === 'string') assert.equal(message, c.message);
      else assert.match(message, c.message);
    });
  }

  it('names the file in its errors', async () => {
    const path = join(tmp.path, 'bad.yaml');
    await writeFile(path, `${HEAD}rules: []`);
    assert.throws(() => loadPolicyFile(path), { name: 'Error', message: `loaded illegal policy with 0 rules: from file ${path}` });
    const missing = join(tmp.path, 'missing.yaml');
    assert.throws(() => loadPolicyFile(missing), (err: unknown) => err instanceof PolicyError && err.message === `failed to read file path ${JSON.stringify(missing)}: ENOENT`);
  });
});
