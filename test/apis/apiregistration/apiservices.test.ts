/**
 * apiregistration.k8s.io/v1 apiservices: kube-aggregator's defaults,
 * ValidateAPIService* (kube's paths and texts), strategy and table convertor,
 * first as pure functions, then through the generic Store on SQLite.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  apiServiceNameValidator,
  apiServices,
  setAPIServiceCondition,
  validateAPIServiceStatus,
  type APIService,
  type APIServiceCondition,
  type APIServiceSpec,
} from '../../../src/apis/apiregistration/v1/index.js';
import { validateObjectMeta } from '../../../src/apimachinery/validation/object-meta.js';
import { StatusError } from '../../../src/apimachinery/status-error.js';
import { schemaForKind } from '../../../src/endpoints/field-validation/schema.js';
import { DefinitionCatalog } from '../../../src/endpoints/openapi/schema.js';
import type { ResourceDefinition } from '../../../src/registry/resource-definition.js';
import { Store } from '../../../src/registry/store.js';
import { Cacher } from '../../../src/storage/cacher/index.js';
import { SqliteStorage } from '../../../src/storage/sqlite/sqlite-storage.js';
import { makeTempDir, type TempDir } from '../../helpers/tmp.js';
import { ago, cells, create, messages, NOW, update } from '../core/v1/helpers.js';

const GROUP = 'example.com';
const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n').toString('base64');

/** A valid APIService for version.group: local unless a spec says otherwise. */
function svc(version: string, group: string, spec: Partial<APIServiceSpec> = {}, name = `${version}.${group}`): APIService {
  return {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name },
    spec: { group, version, groupPriorityMinimum: 1000, versionPriority: 15, ...spec },
  };
}
const backed = (spec: Partial<APIServiceSpec> = {}): APIService =>
  svc('v1', GROUP, { service: { namespace: 'ns', name: 'api', port: 8443 }, caBundle: CA, ...spec });

const DNS1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const mustBe = (name: string) => `must be \`spec.version+"."+spec.group\`: "${name}"`;

describe('apiregistration.k8s.io/v1 apiservices: the definition', () => {
  it('is cluster-scoped, apiservices/APIService/APIServiceList, no short names, in api-extensions, with status', () => {
    assert.deepEqual(apiServices.info, {
      group: 'apiregistration.k8s.io',
      version: 'v1',
      resource: 'apiservices',
      singularName: 'apiservice',
      kind: 'APIService',
      listKind: 'APIServiceList',
      namespaced: false,
      categories: ['api-extensions'],
    });
    assert.ok(apiServices.status);
    assert.equal(apiServices.allowCreateOnUpdate, false);
    assert.equal(apiServices.allowUnconditionalUpdate, false);
    assert.equal(apiServices.generation, 'none');
  });

  it('gets its schema from the generated models (typed decoding, OpenAPI, merge keys)', () => {
    const name = 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService';
    const schema = schemaForKind('apiregistration.k8s.io/v1', 'APIService');
    assert.ok(schema && schema.kind === 'struct');
    assert.equal(schema.definition, name);
    const spec = schema.field('spec');
    assert.ok(spec && spec.kind === 'struct');
    assert.deepEqual(spec.field('caBundle'), { kind: 'primitive', go: '[]uint8' });
    assert.deepEqual(spec.field('groupPriorityMinimum'), { kind: 'primitive', go: 'int32' });
    const ref = spec.field('service');
    assert.ok(ref && ref.kind === 'struct');
    assert.equal(ref.definition, 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.ServiceReference');
    assert.equal(spec.field('nope'), undefined);

    const catalog = new DefinitionCatalog();
    assert.equal(catalog.definitionOf({ group: 'apiregistration.k8s.io', version: 'v1', kind: 'APIService' }), name);
    assert.equal(catalog.definitionOf({ group: 'apiregistration.k8s.io', version: 'v1', kind: 'APIServiceList' }), `${name}List`);
    const v2 = catalog.schema(name, 'v2', [{ group: 'apiregistration.k8s.io', version: 'v1', kind: 'APIService' }]);
    assert.deepEqual(v2['x-kubernetes-group-version-kind'], [{ group: 'apiregistration.k8s.io', kind: 'APIService', version: 'v1' }]);
    const status = catalog.schema(`${name}Status`, 'v2').properties as Record<string, Record<string, unknown>>;
    assert.equal(status.conditions!['x-kubernetes-patch-merge-key'], 'type');
    assert.equal(status.conditions!['x-kubernetes-list-type'], 'map');
  });
});

describe('apiregistration.k8s.io/v1 apiservices: defaults and create', () => {
  it('service.port defaults to 443 (absent or null); a given port and a local APIService are left alone', () => {
    const absent = create(apiServices, backed({ service: { namespace: 'ns', name: 'api' } })).obj;
    assert.equal(absent.spec.service?.port, 443);
    const nulled = create(apiServices, backed({ service: { namespace: 'ns', name: 'api', port: null } })).obj;
    assert.equal(nulled.spec.service?.port, 443);
    assert.equal(create(apiServices, backed()).obj.spec.service?.port, 8443);
    const local = create(apiServices, svc('v1', GROUP, { service: null })).obj;
    assert.equal(local.spec.service, null);
  });

  it('a local APIService is Available at once (reason Local, at the creation time); a backed one starts with an empty status', () => {
    const input = svc('v1', GROUP);
    input.metadata!.creationTimestamp = '2025-01-01T12:00:00Z';
    input.status = { conditions: [{ type: 'Available', status: 'False', reason: 'Mine' }] };
    const local = create(apiServices, input);
    assert.deepEqual(local.errs, []);
    assert.deepEqual(local.obj.status, {
      conditions: [
        { type: 'Available', status: 'True', lastTransitionTime: '2025-01-01T12:00:00Z', reason: 'Local', message: 'Local APIServices are always available' },
      ],
    });
    const remote = create(apiServices, { ...backed(), status: { conditions: [{ type: 'Available', status: 'True' }] } });
    assert.deepEqual(remote.errs, []);
    assert.deepEqual(remote.obj.status, {});
  });

  it('setAPIServiceCondition moves lastTransitionTime only when the status changes', () => {
    const s = svc('v1', GROUP);
    const c = (status: string, t: string, reason: string): APIServiceCondition => ({ type: 'Available', status, lastTransitionTime: t, reason, message: reason });
    setAPIServiceCondition(s, c('False', 't1', 'A'));
    setAPIServiceCondition(s, c('False', 't2', 'B'));
    assert.deepEqual(s.status?.conditions, [c('False', 't1', 'B')]);
    setAPIServiceCondition(s, c('True', 't3', 'C'));
    assert.deepEqual(s.status?.conditions, [c('True', 't3', 'C')]);
  });
});

describe('apiregistration.k8s.io/v1 apiservices: ValidateAPIService', () => {
  const cases: [string, APIService, string[]][] = [
    ['a local APIService', svc('v1', GROUP), []],
    ['a service-backed one with a caBundle', backed(), []],
    ['a service-backed one with insecureSkipTLSVerify', backed({ caBundle: undefined, insecureSkipTLSVerify: true }), []],
    // kube requires neither: with no caBundle the system trust roots are used.
    ['a service-backed one with neither', backed({ caBundle: undefined }), []],
    // kube does not look inside the bundle.
    ['a caBundle that is no PEM', backed({ caBundle: Buffer.from('garbage').toString('base64') }), []],
    ['the legacy group: v1 with an empty group, named "v1."', svc('v1', ''), []],
    ['the bounds themselves', svc('v1', GROUP, { groupPriorityMinimum: 20000, versionPriority: 1000 }), []],
    ['the low bounds', svc('v1', GROUP, { groupPriorityMinimum: 1, versionPriority: 1 }), []],
    ['the name must be version.group', svc('v1', GROUP, {}, 'v1.other.com'), [`metadata.name: Invalid value: "v1.other.com": ${mustBe('v1.example.com')}`]],
    ['the legacy name keeps its dot', svc('v1', '', {}, 'v1'), [`metadata.name: Invalid value: "v1": ${mustBe('v1.')}`]],
    ['an empty group is for v1 only', svc('v2', ''), ['spec.group: Required value: only v1 may have an empty group and it better be legacy kube']],
    ['the group is a DNS-1123 subdomain', svc('v1', 'Example.com'), [`spec.group: Invalid value: "Example.com": ${DNS1123_SUBDOMAIN}`]],
    ['the version is a DNS-1035 label', svc('1beta', GROUP), [`spec.version: Invalid value: "1beta": ${DNS1035}`]],
    [
      'the version is required (as a DNS-1035 label)',
      svc('', GROUP, {}, 'v1.example.com'),
      [`metadata.name: Invalid value: "v1.example.com": ${mustBe('.example.com')}`, `spec.version: Invalid value: "": ${DNS1035}`],
    ],
    [
      'groupPriorityMinimum 1..20000, versionPriority 1..1000',
      svc('v1', GROUP, { groupPriorityMinimum: 0, versionPriority: 1001 }),
      ['spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000', 'spec.versionPriority: Invalid value: 1001: must be positive and less than 1000'],
    ],
    [
      'and above / below',
      svc('v1', GROUP, { groupPriorityMinimum: 20001, versionPriority: -1 }),
      ['spec.groupPriorityMinimum: Invalid value: 20001: must be positive and less than 20000', 'spec.versionPriority: Invalid value: -1: must be positive and less than 1000'],
    ],
    [
      'the priorities are required, for local APIServices too',
      { ...svc('v1', GROUP), spec: { group: GROUP, version: 'v1' } },
      ['spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000', 'spec.versionPriority: Invalid value: 0: must be positive and less than 1000'],
    ],
    [
      'no spec at all',
      { metadata: { name: 'v1.x' } } as unknown as APIService,
      [
        `metadata.name: Invalid value: "v1.x": ${mustBe('.')}`,
        'spec.group: Required value: only v1 may have an empty group and it better be legacy kube',
        `spec.version: Invalid value: "": ${DNS1035}`,
        'spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000',
        'spec.versionPriority: Invalid value: 0: must be positive and less than 1000',
      ],
    ],
    [
      'a local APIService may not have a caBundle (shown as its decoded length)',
      svc('v1', GROUP, { caBundle: Buffer.from('abcdef').toString('base64') }),
      ['spec.caBundle: Invalid value: "6 bytes": local APIServices may not have a caBundle'],
    ],
    [
      'nor insecureSkipTLSVerify',
      svc('v1', GROUP, { insecureSkipTLSVerify: true }),
      ['spec.insecureSkipTLSVerify: Invalid value: true: local APIServices may not have insecureSkipTLSVerify'],
    ],
    [
      'service: null is local',
      svc('v1', GROUP, { service: null, insecureSkipTLSVerify: true, caBundle: 'YWJj' }),
      ['spec.caBundle: Invalid value: "3 bytes": local APIServices may not have a caBundle', 'spec.insecureSkipTLSVerify: Invalid value: true: local APIServices may not have insecureSkipTLSVerify'],
    ],
    ['service namespace and name are required', backed({ service: { port: 443 } }), ['spec.service.namespace: Required value', 'spec.service.name: Required value']],
    [
      'service port 1..65535',
      backed({ service: { namespace: 'ns', name: 'api', port: 0 } }),
      ['spec.service.port: Invalid value: 0: port is not valid: must be between 1 and 65535, inclusive'],
    ],
    [
      'service port above 65535',
      backed({ service: { namespace: 'ns', name: 'api', port: 65536 } }),
      ['spec.service.port: Invalid value: 65536: port is not valid: must be between 1 and 65535, inclusive'],
    ],
    ['service port 65535', backed({ service: { namespace: 'ns', name: 'api', port: 65535 } }), []],
    [
      'insecureSkipTLSVerify and a caBundle exclude each other',
      backed({ insecureSkipTLSVerify: true }),
      ['spec.insecureSkipTLSVerify: Invalid value: true: may not be true if caBundle is present'],
    ],
    [
      "kube's order: metadata, group, version, priorities, service, TLS",
      svc('9', 'Bad_Group', { groupPriorityMinimum: 0, versionPriority: 0, service: { port: 70000 }, insecureSkipTLSVerify: true, caBundle: 'YQ==' }, 'v1.x'),
      [
        `metadata.name: Invalid value: "v1.x": ${mustBe('9.Bad_Group')}`,
        `spec.group: Invalid value: "Bad_Group": ${DNS1123_SUBDOMAIN}`,
        `spec.version: Invalid value: "9": ${DNS1035}`,
        'spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000',
        'spec.versionPriority: Invalid value: 0: must be positive and less than 1000',
        'spec.service.namespace: Required value',
        'spec.service.name: Required value',
        'spec.service.port: Invalid value: 70000: port is not valid: must be between 1 and 65535, inclusive',
        'spec.insecureSkipTLSVerify: Invalid value: true: may not be true if caBundle is present',
      ],
    ],
  ];
  for (const [name, obj, want] of cases) it(name, () => assert.deepEqual(create(apiServices, obj).errs, want));

  it('generateName is held to the same rule, so a generated name never passes', () => {
    const obj = svc('v1', GROUP, {}, 'v1.example.comxyz12');
    obj.metadata!.generateName = 'v1.example.com';
    assert.deepEqual(create(apiServices, obj).errs, [`metadata.name: Invalid value: "v1.example.comxyz12": ${mustBe('v1.example.com')}`]);
    obj.metadata!.generateName = 'v1.';
    assert.deepEqual(create(apiServices, obj).errs, [
      `metadata.generateName: Invalid value: "v1.": ${mustBe('v1.example.com')}`,
      `metadata.name: Invalid value: "v1.example.comxyz12": ${mustBe('v1.example.com')}`,
    ]);
  });

  it('the name is one path segment first (checked by the Store with the nameValidator), and only then version.group', () => {
    // kube's name function returns the path-segment failures alone.
    assert.deepEqual(apiServiceNameValidator('v1.a/b', false), ["may not contain '/'"]);
    assert.deepEqual(apiServiceNameValidator('a%b/c', false), ["may not contain '/'", "may not contain '%'"]);
    // No prefix form: a generateName of '..' is refused as a name is.
    assert.deepEqual(apiServiceNameValidator('..', true), ["may not be '..'"]);
    assert.deepEqual(apiServiceNameValidator('v1.example.com', false), []);
    const bad = svc('v1', GROUP, {}, 'v1.a/b');
    assert.deepEqual(create(apiServices, bad).errs, []);
    assert.deepEqual(messages(validateObjectMeta(bad.metadata!, { namespaced: false, nameValidator: apiServices.nameValidator })), [
      `metadata.name: Invalid value: "v1.a/b": may not contain '/'`,
    ]);
  });
});

describe('apiregistration.k8s.io/v1 apiservices: updates', () => {
  const stored = (obj: APIService): APIService => {
    const out = create(apiServices, obj).obj;
    out.metadata = { ...out.metadata, uid: 'u', resourceVersion: '5', creationTimestamp: '2025-01-01T00:00:00Z' };
    return out;
  };

  it('the spec may change; group and version only with the name, which is immutable', () => {
    const old = stored(backed());
    const moved = { ...structuredClone(old), spec: { ...old.spec, service: { namespace: 'other', name: 'api2' }, versionPriority: 20 } };
    const ok = update(apiServices, moved, old);
    assert.deepEqual(ok.errs, []);
    assert.equal(ok.obj.spec.service?.port, 443, 'defaults run on update');

    const regroup = { ...structuredClone(old), spec: { ...old.spec, group: 'other.com' } };
    assert.deepEqual(update(apiServices, regroup, old).errs, [`metadata.name: Invalid value: "v1.example.com": ${mustBe('v1.other.com')}`]);
    const reversion = { ...structuredClone(old), spec: { ...old.spec, version: 'v2' } };
    assert.deepEqual(update(apiServices, reversion, old).errs, [`metadata.name: Invalid value: "v1.example.com": ${mustBe('v2.example.com')}`]);
  });

  it("an update runs the whole create validation again, ObjectMeta's checks included (as kube does)", () => {
    const old = stored(svc('v1', GROUP));
    const local = { ...structuredClone(old), spec: { ...old.spec, insecureSkipTLSVerify: true } };
    assert.deepEqual(update(apiServices, local, old).errs, ['spec.insecureSkipTLSVerify: Invalid value: true: local APIServices may not have insecureSkipTLSVerify']);
    const badLabel = structuredClone(old);
    badLabel.metadata!.labels = { 'a b': 'x' };
    assert.match(update(apiServices, badLabel, old).errs.join('\n'), /^metadata\.labels: Invalid value: "a b": name part must consist of/);
  });

  it('the main endpoint keeps the stored status (kube: PrepareForUpdate)', () => {
    const old = stored(svc('v1', GROUP));
    const next = { ...structuredClone(old), status: { conditions: [{ type: 'Available', status: 'False' }] } };
    assert.deepEqual(update(apiServices, next, old).obj.status, old.status);
  });

  it('/status: each condition status is True, False or Unknown (kube: ValidateAPIServiceStatus)', () => {
    const strategy = apiServices.status!.strategy!;
    const old = stored(backed());
    const next = structuredClone(old);
    next.status = {
      conditions: [
        { type: 'Available', status: 'True' },
        { type: 'Available', status: 'Maybe' },
        { type: 'Other', status: '' },
      ],
    };
    assert.deepEqual(messages(strategy.validateUpdate!(next, old)), [
      'status.conditions[1].status: Unsupported value: "Maybe": supported values: "True", "False", "Unknown"',
      'status.conditions[2].status: Unsupported value: "": supported values: "True", "False", "Unknown"',
    ]);
    next.status = { conditions: [{ type: 'Available', status: 'Unknown', reason: 'x' }, { type: 'Available', status: 'False' }] };
    assert.deepEqual(messages(strategy.validateUpdate!(next, old)), []);
    assert.deepEqual(messages(validateAPIServiceStatus({ conditions: null })), []);
    assert.deepEqual(messages(validateAPIServiceStatus(undefined)), []);
    // The spec is not checked through /status.
    next.spec = { ...next.spec, versionPriority: 0 };
    assert.deepEqual(messages(strategy.validateUpdate!(next, old)), []);
  });
});

describe('apiregistration.k8s.io/v1 apiservices: table', () => {
  const withAvailable = (obj: APIService, c?: APIServiceCondition): APIService => {
    const out = structuredClone(obj);
    out.metadata!.creationTimestamp = ago(90_000);
    out.status = c ? { conditions: [{ type: 'Other', status: 'False', reason: 'Nope' }, c] } : {};
    return out;
  };

  it('columns: Service, Available, Age (after Name), as kube-aggregator prints them', () => {
    assert.deepEqual(
      apiServices.tableColumns.map((c) => [c.name, c.type, c.priority, c.description.slice(0, 40)]),
      [
        ['Service', 'string', 0, 'The reference to the service that hosts '],
        ['Available', 'string', 0, 'Whether this service is available.'],
        ['Age', 'string', 0, 'CreationTimestamp is a timestamp represe'],
      ],
    );
  });

  const rows: [string, APIService, unknown[]][] = [
    ['local and available', withAvailable(svc('v1', GROUP), { type: 'Available', status: 'True', reason: 'Local' }), ['Local', 'True', '90s']],
    ['no Available condition', withAvailable(backed()), ['ns/api', 'Unknown', '90s']],
    [
      'False with its reason',
      withAvailable(backed(), { type: 'Available', status: 'False', reason: 'FailedDiscoveryCheck' }),
      ['ns/api', 'False (FailedDiscoveryCheck)', '90s'],
    ],
    ['False without a reason', withAvailable(backed(), { type: 'Available', status: 'False' }), ['ns/api', 'False', '90s']],
    [
      'Unknown with its reason',
      withAvailable(backed(), { type: 'Available', status: 'Unknown', reason: 'ServiceNotFound' }),
      ['ns/api', 'Unknown (ServiceNotFound)', '90s'],
    ],
    ['service: null is Local', withAvailable(svc('v1', GROUP, { service: null })), ['Local', 'Unknown', '90s']],
  ];
  for (const [name, obj, want] of rows) it(`cells: ${name}`, () => assert.deepEqual(cells(apiServices, obj, NOW), want));
});

describe('apiregistration.k8s.io/v1 apiservices through the Store (SQLite)', () => {
  let dir: TempDir;
  let backend: SqliteStorage;
  let cacher: Cacher;
  let store: Store;
  const CREATED = new Date('2025-03-04T05:06:07.890Z');

  before(async () => {
    dir = await makeTempDir('frontdoor-apiservices-');
    backend = SqliteStorage.open({ path: join(dir.path, 'state.db'), compactionIntervalMs: 0 });
    cacher = new Cacher({ storage: backend, resourcePrefix: '/apiregistration.k8s.io/apiservices' });
    await cacher.start();
    store = new Store(apiServices as unknown as ResourceDefinition, cacher, { now: () => CREATED });
  });

  after(async () => {
    await cacher.stop();
    await backend.close();
    await dir.remove();
  });

  const invalidOf = async (p: Promise<unknown>): Promise<{ code: number; causes: string[] }> => {
    try {
      await p;
    } catch (err) {
      assert.ok(err instanceof StatusError, String(err));
      return { code: err.status.code ?? 0, causes: (err.status.details?.causes ?? []).map((c) => `${c.field}: ${c.message}`) };
    }
    assert.fail('expected a refusal');
  };

  const change = (name: string, f: (s: APIService) => void, subresource = '') =>
    store.update(
      '',
      name,
      (current) => {
        const next = structuredClone(current) as APIService;
        f(next);
        return next;
      },
      { subresource },
    );

  it('stores under /apiregistration.k8s.io/apiservices; a local one is Available at its creation time', async () => {
    assert.equal(store.keyFor('', 'v1.example.com'), '/apiregistration.k8s.io/apiservices/v1.example.com');
    const s = (await store.create('', svc('v1', GROUP))) as APIService;
    assert.equal(s.metadata?.creationTimestamp, '2025-03-04T05:06:07Z');
    assert.equal(s.metadata?.generation, undefined);
    assert.deepEqual(s.status?.conditions?.map((c) => [c.type, c.status, c.reason, c.lastTransitionTime]), [
      ['Available', 'True', 'Local', '2025-03-04T05:06:07Z'],
    ]);
  });

  it('the main endpoint ignores status; /status ignores everything but status', async () => {
    const s = (await store.create('', svc('v2', GROUP, { service: { namespace: 'ns', name: 'api' }, insecureSkipTLSVerify: true }))) as APIService;
    assert.deepEqual(s.status, {});
    assert.equal(s.spec.service?.port, 443);

    const main = (await change('v2.example.com', (n) => {
      n.spec.versionPriority = 30;
      n.status = { conditions: [{ type: 'Available', status: 'True', reason: 'Mine' }] };
    })).obj as APIService;
    assert.equal(main.spec.versionPriority, 30);
    assert.deepEqual(main.status, {});

    const condition = { type: 'Available', status: 'False', lastTransitionTime: '2025-03-04T05:06:07Z', reason: 'FailedDiscoveryCheck', message: 'no' };
    const status = (await change(
      'v2.example.com',
      (n) => {
        n.spec.versionPriority = 99;
        n.metadata!.labels = { changed: 'yes' };
        n.status = { conditions: [condition] };
      },
      'status',
    )).obj as APIService;
    assert.equal(status.spec.versionPriority, 30);
    assert.equal(status.metadata?.labels, undefined);
    assert.deepEqual(status.status, { conditions: [condition] });

    const refused = await invalidOf(change('v2.example.com', (n) => (n.status = { conditions: [{ type: 'Available', status: 'Yes' }] }), 'status'));
    assert.deepEqual(refused, { code: 422, causes: ['status.conditions[0].status: Unsupported value: "Yes": supported values: "True", "False", "Unknown"'] });
  });

  it('refuses with 422 and kube causes: a name that is not version.group, or not one path segment', async () => {
    assert.deepEqual(await invalidOf(store.create('', svc('v1', 'other.com', {}, 'v1.example.org'))), {
      code: 422,
      causes: [`metadata.name: Invalid value: "v1.example.org": ${mustBe('v1.other.com')}`],
    });
    assert.deepEqual(await invalidOf(store.create('', svc('v1', 'other.com', {}, 'v1.other.com/x'))), {
      code: 422,
      causes: [`metadata.name: Invalid value: "v1.other.com/x": may not contain '/'`],
    });
    // The generated name is the prefix plus five characters: never version.group.
    const generated = svc('v1', 'other.com', {}, '');
    delete generated.metadata!.name;
    generated.metadata!.generateName = 'v1.';
    const st = await invalidOf(store.create('', generated));
    assert.equal(st.code, 422);
    assert.equal(st.causes.length, 2);
    assert.equal(st.causes[0], `metadata.generateName: Invalid value: "v1.": ${mustBe('v1.other.com')}`);
    assert.match(st.causes[1]!, /^metadata\.name: Invalid value: "v1\.[a-z0-9]{5}": must be/);
  });

  it('an update must carry a resourceVersion (409 without); group and version cannot move', async () => {
    await store.create('', svc('v3', GROUP));
    const noRv = await invalidOf(
      store.update('', 'v3.example.com', (current) => {
        const next = structuredClone(current) as APIService;
        delete next.metadata!.resourceVersion;
        next.spec.versionPriority = 2;
        return next;
      }),
    );
    assert.equal(noRv.code, 409);
    assert.deepEqual(await invalidOf(change('v3.example.com', (n) => (n.spec.group = 'other.com'))), {
      code: 422,
      causes: [`metadata.name: Invalid value: "v3.example.com": ${mustBe('v3.other.com')}`],
    });
  });
});
