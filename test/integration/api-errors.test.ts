import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { configMap, startInProcess, startedClient, statusOf, type Client, type InProcess, type Obj, type Status } from './api-helpers.js';

const CM = '/api/v1/namespaces/default/configmaps';
const MEDIA = /^application\/json, application\/yaml(, application\/vnd\.kubernetes\.protobuf)?$/;

/** Every failure is a kube Status: code, reason, message and details as kube-apiserver gives them. */
describe('API errors over HTTPS', () => {
  let fd: Frontdoor;
  let c: Client;
  before(async () => {
    fd = await startFrontdoor();
    c = await startedClient(fd);
    assert.equal((await c.post(CM, configMap('exists', { data: { a: '1' } }))).status, 201);
  });
  after(async () => {
    await fd.stop();
  });

  const expectStatus = (r: { status: number; body: string }, code: number, reason: string, message?: string | RegExp): Status => {
    assert.equal(r.status, code, r.body);
    const s = statusOf(r as Parameters<typeof statusOf>[0]);
    assert.equal(s.apiVersion, 'v1');
    assert.equal(s.status, 'Failure');
    assert.equal(s.code, code);
    assert.equal(s.reason, reason);
    if (typeof message === 'string') assert.equal(s.message, message);
    else if (message) assert.match(s.message, message);
    return s;
  };

  it('404 NotFound names the object and its kind', async () => {
    const s = expectStatus(await c.get(`${CM}/nope`), 404, 'NotFound', 'configmaps "nope" not found');
    assert.equal(s.details?.name, 'nope');
    assert.equal(s.details?.kind, 'configmaps');
    const d = expectStatus(await c.get('/apis/apps/v1/namespaces/default/deployments/nope'), 404, 'NotFound', 'deployments.apps "nope" not found');
    assert.deepEqual([d.details?.name, d.details?.group, d.details?.kind], ['nope', 'apps', 'deployments']);
  });

  it('409 AlreadyExists on a second create', async () => {
    const s = expectStatus(await c.post(CM, configMap('exists')), 409, 'AlreadyExists', 'configmaps "exists" already exists');
    assert.equal(s.details?.name, 'exists');
    assert.equal(s.details?.kind, 'configmaps');
  });

  it('409 Conflict on a stale resourceVersion, with kube\'s message', async () => {
    const cur = (await c.get(`${CM}/exists`)).json<Obj>();
    const first = await c.put(`${CM}/exists`, { ...cur, data: { a: '2' } });
    assert.equal(first.status, 200, first.body);
    const s = expectStatus(
      await c.put(`${CM}/exists`, { ...cur, data: { a: '3' } }),
      409,
      'Conflict',
      'Operation cannot be fulfilled on configmaps "exists": the object has been modified; please apply your changes to the latest version and try again',
    );
    assert.equal(s.details?.name, 'exists');
  });

  it('422 Invalid for a bad name, with the field path in causes', async () => {
    const s = expectStatus(
      await c.post(CM, configMap('Bad_Name')),
      422,
      'Invalid',
      'ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')',
    );
    assert.equal(s.details?.name, 'Bad_Name');
    assert.equal(s.details?.kind, 'ConfigMap');
    assert.deepEqual(s.details?.causes?.map((x) => [x.reason, x.field]), [['FieldValueInvalid', 'metadata.name']]);
  });

  it('422 Invalid for a bad label key and a bad label value', async () => {
    const key = expectStatus(await c.post(CM, configMap('badkey', { labels: { 'a b': 'c' } })), 422, 'Invalid', /^ConfigMap "badkey" is invalid: metadata\.labels: Invalid value: "a b": name part must consist of alphanumeric characters/);
    assert.deepEqual(key.details?.causes?.map((x) => [x.reason, x.field]), [['FieldValueInvalid', 'metadata.labels']]);
    const value = expectStatus(
      await c.post(CM, configMap('badvalue', { labels: { ok: '-bad-' } })),
      422,
      'Invalid',
      /^ConfigMap "badvalue" is invalid: metadata\.labels: Invalid value: "-bad-": a valid label must be an empty string or consist of alphanumeric characters/,
    );
    assert.deepEqual(value.details?.causes?.map((x) => x.field), ['metadata.labels']);
    // Several errors: one cause each, the message lists them in brackets.
    const both = expectStatus(await c.post(CM, configMap('Both_Bad', { labels: { 'a b': 'c' } })), 422, 'Invalid', /^ConfigMap "Both_Bad" is invalid: \[metadata\.name: .*, metadata\.labels: .*\]$/);
    assert.deepEqual(both.details?.causes?.map((x) => x.field), ['metadata.name', 'metadata.labels']);
  });

  it('400 BadRequest for malformed JSON, worded as kube\'s decoder', async () => {
    expectStatus(
      await c.send('POST', CM, { raw: '{"metadata":' }),
      400,
      'BadRequest',
      /^the object provided is unrecognized \(must be of type ConfigMap\): couldn't get version\/kind; json parse error: .+ \(\{"metadata":\)$/,
    );
  });

  it('400 BadRequest for a bad labelSelector', async () => {
    expectStatus(await c.get(`${CM}?labelSelector=${encodeURIComponent('a in')}`), 400, 'BadRequest', /unable to parse requirement/);
    expectStatus(await c.get(`${CM}?labelSelector=${encodeURIComponent('a=b c')}`), 400, 'BadRequest');
  });

  it('400 BadRequest for an unsupported field selector', async () => {
    expectStatus(await c.get(`${CM}?fieldSelector=x%3Dy`), 400, 'BadRequest', 'field label not supported: x');
    expectStatus(await c.get(`${CM}?fieldSelector=status.phase%3DRunning`), 400, 'BadRequest', 'field label not supported: status.phase');
  });

  it('dryRun=Foo is refused as kube\'s options validation does (422 on CreateOptions)', async () => {
    // kube's create handler: ValidateCreateOptions -> NewInvalid(CreateOptions.meta.k8s.io, "", errs).
    const s = expectStatus(
      await c.send('POST', `${CM}?dryRun=Foo`, { body: configMap('dry') }),
      422,
      'Invalid',
      'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Foo"}: supported values: "All"',
    );
    assert.deepEqual(s.details?.causes?.map((x) => [x.reason, x.field]), [['FieldValueNotSupported', 'dryRun']]);
    expectStatus(await c.send('DELETE', `${CM}/exists?dryRun=Foo`), 422, 'Invalid', /^DeleteOptions\.meta\.k8s\.io "" is invalid: dryRun: Unsupported value/);
    expectStatus(await c.send('PATCH', `${CM}/exists?dryRun=Foo`, { body: {}, contentType: 'application/merge-patch+json' }), 422, 'Invalid', /^PatchOptions\.meta\.k8s\.io "" is invalid/);
    expectStatus(await c.send('DELETE', `${CM}/exists?propagationPolicy=Sideways`), 422, 'Invalid', 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"');
    assert.equal((await c.get(`${CM}/dry`)).status, 404);
  });

  it('400 BadRequest when the body names another namespace than the URL', async () => {
    expectStatus(
      await c.post(CM, configMap('elsewhere', { metadata: { namespace: 'kube-system' } })),
      400,
      'BadRequest',
      'the namespace of the provided object does not match the namespace sent on the request',
    );
    assert.equal((await c.get('/api/v1/namespaces/kube-system/configmaps/elsewhere')).status, 404);
  });

  it('413 for a body over 3 MiB', async () => {
    const big = JSON.stringify(configMap('big', { data: { a: 'x'.repeat(3 * 1024 * 1024) } }));
    expectStatus(await c.send('POST', CM, { raw: big }), 413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    assert.equal((await c.get(`${CM}/big`)).status, 404);
  });

  it('415 for an unknown Content-Type on create, listing the accepted types', async () => {
    const s = expectStatus(await c.send('POST', CM, { raw: '{}', contentType: 'text/plain' }), 415, 'UnsupportedMediaType');
    const prefix = 'the body of the request was in an unknown format - accepted media types include: ';
    assert.ok(s.message.startsWith(prefix), s.message);
    assert.match(s.message.slice(prefix.length), MEDIA);
  });

  it('415 for an unknown patch type, listing the patch types served; 422 for an apply patch without fieldManager', async () => {
    expectStatus(
      await c.send('PATCH', `${CM}/exists`, { raw: '{}', contentType: 'application/bogus-patch+json' }),
      415,
      'UnsupportedMediaType',
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
    );
    expectStatus(
      await c.send('PATCH', `${CM}/exists`, { raw: '{}', contentType: 'application/apply-patch+yaml' }),
      422,
      'Invalid',
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    );
  });

  it('406 for Accept: application/xml and for an unknown as=', async () => {
    for (const accept of ['application/xml', 'application/json;as=Foo;g=meta.k8s.io;v=v1']) {
      const s = expectStatus(await c.get(`${CM}/exists`, accept), 406, 'NotAcceptable');
      const prefix = 'only the following media types are accepted: ';
      assert.ok(s.message.startsWith(prefix), s.message);
      assert.match(s.message.slice(prefix.length), MEDIA);
    }
    // A list does not render as a single PartialObjectMetadata.
    expectStatus(await c.get(CM, 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1'), 406, 'NotAcceptable');
  });

  it('405 MethodNotAllowed for a verb the path does not serve', async () => {
    const put = expectStatus(await c.put(CM, configMap('x')), 405, 'MethodNotAllowed', 'update is not supported on resources of kind "configmaps"');
    assert.equal(put.details?.kind, 'configmaps');
    expectStatus(await c.post(`${CM}/exists`, configMap('exists')), 405, 'MethodNotAllowed', 'create is not supported on resources of kind "configmaps"');
    expectStatus(await c.send('PATCH', CM, { body: {}, contentType: 'application/merge-patch+json' }), 405, 'MethodNotAllowed');
    // pods/binding only creates.
    expectStatus(await c.get('/api/v1/namespaces/default/pods/p/binding'), 405, 'MethodNotAllowed', 'get is not supported on resources of kind "pods"');
  });

  it('422 for invalid ListOptions combinations', async () => {
    const noRV = expectStatus(
      await c.get(`${CM}?resourceVersionMatch=NotOlderThan`),
      422,
      'Invalid',
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
    );
    assert.deepEqual([noRV.details?.group, noRV.details?.kind], ['meta.k8s.io', 'ListOptions']);
    assert.deepEqual(noRV.details?.causes?.map((x) => [x.reason, x.field]), [['FieldValueForbidden', 'resourceVersionMatch']]);
    assert.equal((await c.post(CM, configMap('second'))).status, 201);
    const page = (await c.get(`${CM}?limit=1`)).json<{ metadata: { continue?: string } }>();
    assert.ok(page.metadata.continue, 'a first page of one of several configmaps has a continue token');
    expectStatus(
      await c.get(`${CM}?continue=${page.metadata.continue}&resourceVersionMatch=NotOlderThan&resourceVersion=1`),
      422,
      'Invalid',
      /resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided/,
    );
    expectStatus(
      await c.get(`${CM}?resourceVersion=0&resourceVersionMatch=Exact`),
      422,
      'Invalid',
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
    );
    expectStatus(await c.get(`${CM}?resourceVersion=1&resourceVersionMatch=Sometimes`), 422, 'Invalid', /resourceVersionMatch: Unsupported value: "Sometimes"/);
    expectStatus(await c.get(`${CM}?sendInitialEvents=true`), 422, 'Invalid', /sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list/);
    expectStatus(
      await c.get(`${CM}?watch=1&resourceVersionMatch=NotOlderThan&resourceVersion=1`),
      422,
      'Invalid',
      /resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided/,
    );
    // kube's storage, not its validation, refuses a resourceVersion beside continue: 400.
    expectStatus(await c.get(`${CM}?continue=${page.metadata.continue}&resourceVersion=5`), 400, 'BadRequest', 'specifying resource version is not allowed when using continue');
    expectStatus(await c.get(`${CM}?continue=not-a-token`), 400, 'BadRequest', /^invalid continue token: /);
  });

  it('410 Expired: a watch from before the watch cache\'s window gets an ERROR event', async () => {
    // More than the window's 1000 events, spread over a few objects written in parallel.
    const writers = 8;
    const perWriter = 130;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        const name = `churn-${w}`;
        let r = await c.post(CM, configMap(name, { data: { n: '0' } }));
        assert.equal(r.status, 201, r.body);
        for (let i = 1; i < perWriter; i++) {
          r = await c.patch(`${CM}/${name}`, 'merge', { data: { n: String(i) } });
          assert.equal(r.status, 200, r.body);
        }
      }),
    );
    const watch = c.watch(`${CM}?watch=true&resourceVersion=1`);
    const events = await watch.until((e) => e.length > 0);
    await watch.ended;
    assert.equal(watch.status, 200);
    assert.equal(events.length, 1, JSON.stringify(events));
    assert.equal(events[0]!.type, 'ERROR');
    const s = events[0]!.object as unknown as Status;
    assert.equal(s.kind, 'Status');
    assert.equal(s.code, 410);
    assert.equal(s.reason, 'Expired');
    assert.match(s.message, /^too old resource version: 1 \(\d+\)$/);

  });
});

/** SQLite compacts by policy (minutes); in process the test compacts when it wants. */
describe('API errors after compaction', () => {
  let srv: InProcess;
  before(async () => {
    srv = await startInProcess();
  });
  after(async () => {
    await srv.stop();
  });

  it('410 Expired for an exact list at a compacted resourceVersion, and for a paged list continued past it', async () => {
    const c = srv.client;
    const first = await c.post(CM, configMap('old', { data: { v: '1' } }));
    assert.equal(first.status, 201, first.body);
    const oldRV = first.json<Obj>().metadata.resourceVersion!;
    assert.equal((await c.post(CM, configMap('older'))).status, 201);
    const exactBefore = await c.get(`${CM}?resourceVersion=${oldRV}&resourceVersionMatch=Exact`);
    assert.equal(exactBefore.status, 200, exactBefore.body);
    assert.deepEqual(exactBefore.json<{ items: Obj[] }>().items.map((i) => i.metadata.name), ['old']);
    const page = (await c.get(`${CM}?limit=1`)).json<{ metadata: { continue?: string } }>();
    assert.ok(page.metadata.continue);
    assert.equal((await c.patch(`${CM}/old`, 'merge', { data: { v: '2' } })).status, 200);
    await srv.storage.compact(await srv.storage.currentRevision());

    const r = await c.get(`${CM}?resourceVersion=${oldRV}&resourceVersionMatch=Exact`);
    assert.equal(r.status, 410, r.body);
    const s = statusOf(r);
    assert.deepEqual([s.code, s.reason, s.message], [410, 'Expired', 'The resourceVersion for the provided list is too old.']);
    // A non-zero resourceVersion with a limit and no match is the legacy exact read.
    assert.equal((await c.get(`${CM}?resourceVersion=${oldRV}&limit=5`)).status, 410);
    const cont = await c.get(`${CM}?limit=1&continue=${page.metadata.continue}`);
    assert.equal(cont.status, 410, cont.body);
    const cs = statusOf(cont);
    assert.deepEqual(
      [cs.reason, cs.message],
      ['Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.'],
    );
  });
});
