import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  clusterRoleBindings,
  clusterRoles,
  rbacV1Resources,
  roleBindings,
  roles,
  type ClusterRole,
  type Role,
  type RoleBinding,
} from '../../../src/apis/rbac/v1/index.js';

const G = 'rbac.authorization.k8s.io';
const texts = (errs: { toString(): string }[] | undefined): string[] => (errs ?? []).map(String);

describe('rbac: resource info', () => {
  it('scopes, names and no generation, as kube has them', () => {
    assert.deepEqual(
      rbacV1Resources.map((d) => [d.info.group, d.info.version, d.info.resource, d.info.singularName, d.info.kind, d.info.namespaced]),
      [
        [G, 'v1', 'roles', 'role', 'Role', true],
        [G, 'v1', 'rolebindings', 'rolebinding', 'RoleBinding', true],
        [G, 'v1', 'clusterroles', 'clusterrole', 'ClusterRole', false],
        [G, 'v1', 'clusterrolebindings', 'clusterrolebinding', 'ClusterRoleBinding', false],
      ],
    );
    for (const d of rbacV1Resources) {
      assert.equal(d.generation, 'none');
      assert.equal(d.info.shortNames, undefined);
      assert.equal(d.status, undefined);
      assert.equal(d.fieldLabels, undefined);
      assert.equal(d.allowCreateOnUpdate, true);
      assert.equal(d.allowUnconditionalUpdate, true);
    }
  });

  it('names only need to be one path segment (kube ValidateRBACName), generateName included', () => {
    const v = roles.nameValidator;
    assert.deepEqual(v('system:controller:bootstrap-signer', false), []);
    assert.deepEqual(v('Upper_Case', false), []);
    assert.deepEqual(v('a/b', false), ["may not contain '/'"]);
    assert.deepEqual(v('50%', false), ["may not contain '%'"]);
    assert.deepEqual(v('..', false), ["may not be '..'"]);
    assert.deepEqual(v('..', true), ["may not be '..'"]);
  });
});

describe('rbac: policy rules', () => {
  const role = (rules: Role['rules']): Role => ({ metadata: { name: 'r', namespace: 'ns' }, rules });
  const cluster = (rules: ClusterRole['rules']): ClusterRole => ({ metadata: { name: 'r' }, rules });

  const cases: { name: string; rules: Role['rules']; role: string[]; clusterRole: string[] }[] = [
    {
      name: 'a resource rule',
      rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'], resourceNames: ['p'] }],
      role: [],
      clusterRole: [],
    },
    {
      name: 'verbs required',
      rules: [{ apiGroups: [''], resources: ['pods'] }],
      role: ['rules[0].verbs: Required value: verbs must contain at least one value'],
      clusterRole: ['rules[0].verbs: Required value: verbs must contain at least one value'],
    },
    {
      name: 'resource rules need apiGroups and resources',
      rules: [{ verbs: ['get'] }],
      role: [
        'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
        'rules[0].resources: Required value: resource rules must supply at least one resource',
      ],
      clusterRole: [
        'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
        'rules[0].resources: Required value: resource rules must supply at least one resource',
      ],
    },
    {
      name: 'nonResourceURLs only in cluster roles',
      rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
      role: ['rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs'],
      clusterRole: [],
    },
    {
      name: 'nonResourceURLs not mixed with resources',
      rules: [{ verbs: ['get'], nonResourceURLs: ['/metrics'], resources: ['pods'] }],
      role: [
        'rules[0].nonResourceURLs: Invalid value: []string{"/metrics"}: namespaced rules cannot apply to non-resource URLs',
        'rules[0].nonResourceURLs: Invalid value: []string{"/metrics"}: rules cannot apply to both regular resources and non-resource URLs',
      ],
      clusterRole: ['rules[0].nonResourceURLs: Invalid value: []string{"/metrics"}: rules cannot apply to both regular resources and non-resource URLs'],
    },
    { name: 'no rules at all', rules: undefined, role: [], clusterRole: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(texts(roles.strategy.validate!(role(c.rules))), c.role);
      assert.deepEqual(texts(roles.strategy.validateUpdate!(role(c.rules), role([]))), c.role);
      assert.deepEqual(texts(clusterRoles.strategy.validate!(cluster(c.rules))), c.clusterRole);
    });
  }
});

describe('rbac: cluster role aggregation', () => {
  const aggregated = (rule: ClusterRole['aggregationRule']): ClusterRole => ({ metadata: { name: 'admin' }, aggregationRule: rule });

  it('accepts selectors and needs at least one', () => {
    assert.deepEqual(
      texts(clusterRoles.strategy.validate!(aggregated({ clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-admin': 'true' } }] }))),
      [],
    );
    assert.deepEqual(texts(clusterRoles.strategy.validate!(aggregated({ clusterRoleSelectors: [] }))), [
      'aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil',
    ]);
  });

  it('refuses a bad selector', () => {
    assert.deepEqual(
      texts(clusterRoles.strategy.validate!(aggregated({ clusterRoleSelectors: [{ matchExpressions: [{ key: 'a', operator: 'Like' }] }] }))),
      [
        'aggregationRule.clusterRoleSelectors[0].matchExpressions[0].operator: Invalid value: "Like": not a valid selector operator',
        'aggregationRule.clusterRoleSelectors[0]: Invalid value: null: invalid label selector.',
      ],
    );
  });

  it('on update, skips the label-value check the stored object already fails (kube still fails building the selector)', () => {
    const bad = aggregated({ clusterRoleSelectors: [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['-bad-'] }] }] });
    const selectorError = 'aggregationRule.clusterRoleSelectors[0]: Invalid value: null: invalid label selector.';
    const created = texts(clusterRoles.strategy.validate!(bad));
    assert.equal(created.length, 2);
    assert.match(created[0], /^aggregationRule\.clusterRoleSelectors\[0\]\.matchExpressions\[0\]\.values\[0\]: Invalid value: "-bad-"/);
    assert.equal(created[1], selectorError);
    assert.deepEqual(texts(clusterRoles.strategy.validateUpdate!(bad, structuredClone(bad))), [selectorError]);
  });
});

describe('rbac: bindings', () => {
  const binding = (b: Partial<RoleBinding>, namespace?: string): RoleBinding => ({
    metadata: namespace ? { name: 'b', namespace } : { name: 'b' },
    roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'view' },
    ...b,
  });

  it('defaults roleRef.apiGroup and the subjects\' apiGroup', () => {
    const b = binding({
      roleRef: { kind: 'Role', name: 'r' },
      subjects: [{ kind: 'User', name: 'alice' }, { kind: 'Group', name: 'devs' }, { kind: 'ServiceAccount', name: 'default', namespace: 'ns' }],
    });
    roleBindings.strategy.defaults!(b);
    assert.deepEqual(b.roleRef, { kind: 'Role', name: 'r', apiGroup: G });
    assert.deepEqual(b.subjects, [
      { kind: 'User', name: 'alice', apiGroup: G },
      { kind: 'Group', name: 'devs', apiGroup: G },
      { kind: 'ServiceAccount', name: 'default', namespace: 'ns' },
    ]);
  });

  const cases: { name: string; b: Partial<RoleBinding>; roleBinding: string[]; clusterRoleBinding: string[] }[] = [
    {
      name: 'a binding to a ClusterRole with every subject kind',
      b: {
        subjects: [
          { kind: 'User', apiGroup: G, name: 'alice' },
          { kind: 'Group', apiGroup: G, name: 'system:authenticated' },
          { kind: 'ServiceAccount', name: 'default', namespace: 'kube-system' },
        ],
      },
      roleBinding: [],
      clusterRoleBinding: [],
    },
    {
      name: 'roleRef is required',
      b: { roleRef: {} },
      roleBinding: [
        `roleRef.apiGroup: Unsupported value: "": supported values: "${G}"`,
        'roleRef.kind: Unsupported value: "": supported values: "Role", "ClusterRole"',
        'roleRef.name: Required value',
      ],
      clusterRoleBinding: [
        `roleRef.apiGroup: Unsupported value: "": supported values: "${G}"`,
        'roleRef.kind: Unsupported value: "": supported values: "ClusterRole"',
        'roleRef.name: Required value',
      ],
    },
    {
      name: 'a ClusterRoleBinding may not reference a Role',
      b: { roleRef: { apiGroup: G, kind: 'Role', name: 'r' } },
      roleBinding: [],
      clusterRoleBinding: ['roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"'],
    },
    {
      name: 'roleRef.name is an RBAC name',
      b: { roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'a/b' } },
      roleBinding: [`roleRef.name: Invalid value: "a/b": may not contain '/'`],
      clusterRoleBinding: [`roleRef.name: Invalid value: "a/b": may not contain '/'`],
    },
    {
      name: 'ServiceAccount subjects: DNS-subdomain name, core group, a namespace in cluster bindings',
      b: { subjects: [{ kind: 'ServiceAccount', apiGroup: G, name: 'Bad' }] },
      roleBinding: [
        `subjects[0].name: Invalid value: "Bad": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
        `subjects[0].apiGroup: Unsupported value: "${G}": supported values: ""`,
      ],
      clusterRoleBinding: [
        `subjects[0].name: Invalid value: "Bad": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
        `subjects[0].apiGroup: Unsupported value: "${G}": supported values: ""`,
        'subjects[0].namespace: Required value',
      ],
    },
    {
      name: 'User and Group subjects belong to the RBAC group; names required; known kinds only',
      b: { subjects: [{ kind: 'User', name: 'bob' }, { kind: 'Group', apiGroup: G }, { kind: 'Robot', name: 'r2' }] },
      roleBinding: [
        `subjects[0].apiGroup: Unsupported value: "": supported values: "${G}"`,
        'subjects[1].name: Required value',
        'subjects[2].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
      ],
      clusterRoleBinding: [
        `subjects[0].apiGroup: Unsupported value: "": supported values: "${G}"`,
        'subjects[1].name: Required value',
        'subjects[2].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(texts(roleBindings.strategy.validate!(binding(c.b, 'ns'))), c.roleBinding);
      assert.deepEqual(texts(clusterRoleBindings.strategy.validate!(binding(c.b))), c.clusterRoleBinding);
    });
  }

  it('roleRef cannot change on update', () => {
    const old = binding({}, 'ns');
    const next = binding({ roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'edit' } }, 'ns');
    const want = [`roleRef: Invalid value: rbac.RoleRef{APIGroup:"${G}", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef`];
    assert.deepEqual(texts(roleBindings.strategy.validateUpdate!(next, old)), want);
    assert.deepEqual(texts(clusterRoleBindings.strategy.validateUpdate!(binding({ roleRef: next.roleRef }), binding({}))), want);
    assert.deepEqual(texts(roleBindings.strategy.validateUpdate!(binding({ subjects: [{ kind: 'User', apiGroup: G, name: 'x' }] }, 'ns'), old)), []);
  });
});

describe('rbac: tables', () => {
  const now = new Date('2024-05-01T12:00:00Z');

  it('roles and cluster roles use the default table: Created At, a date', () => {
    for (const def of [roles, clusterRoles]) {
      assert.deepEqual(def.tableColumns.map((c) => [c.name, c.type, c.priority]), [['Created At', 'date', 0]]);
    }
    const r: Role = { metadata: { name: 'r', creationTimestamp: '2024-04-30T08:15:00Z' } };
    assert.equal(roles.tableColumns[0].cell(r, now), '2024-04-30T08:15:00Z');
    assert.equal(clusterRoles.tableColumns[0].cell({ metadata: { name: 'r' } }, now), '0001-01-01T00:00:00Z');
  });

  it('bindings: ROLE, AGE, and with -o wide USERS, GROUPS, SERVICEACCOUNTS', () => {
    for (const def of [roleBindings, clusterRoleBindings]) {
      assert.deepEqual(
        def.tableColumns.map((c) => [c.name, c.type, c.priority]),
        [
          ['Role', 'string', 0],
          ['Age', 'string', 0],
          ['Users', 'string', 1],
          ['Groups', 'string', 1],
          ['ServiceAccounts', 'string', 1],
        ],
      );
    }
    const b: RoleBinding = {
      metadata: { name: 'b', namespace: 'ns', creationTimestamp: '2024-05-01T09:00:00Z' },
      roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'view' },
      subjects: [
        { kind: 'User', apiGroup: G, name: 'alice' },
        { kind: 'User', apiGroup: G, name: 'bob' },
        { kind: 'Group', apiGroup: G, name: 'devs' },
        { kind: 'ServiceAccount', name: 'builder', namespace: 'ci' },
      ],
    };
    assert.deepEqual(roleBindings.tableColumns.map((c) => c.cell(b, now)), ['ClusterRole/view', '3h', 'alice, bob', 'devs', 'ci/builder']);
    assert.deepEqual(clusterRoleBindings.tableColumns.map((c) => c.cell({ metadata: { name: 'x' } }, now)), ['/', '<unknown>', '', '', '']);
    assert.match(clusterRoleBindings.tableColumns[2].description, /clusterRoleBinding/);
  });
});
