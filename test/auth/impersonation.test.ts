import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import type { Request, Response } from 'express';
import { StatusError } from '../../src/apimachinery/status-error.js';
import type { Attributes, Authorizer } from '../../src/auth/authorizer/authorizer.js';
import type { UserInfo } from '../../src/auth/user.js';
import { setUser, userFrom } from '../../src/endpoints/request/context.js';
import { discardLogger } from '../../src/observability/logger.js';
import { withImpersonation } from '../../src/server/filters/impersonation.js';
import { fakeRequest } from './authenticator/helpers.js';

const admin: UserInfo = { name: 'admin', groups: ['system:masters', 'system:authenticated'] };
const jane: UserInfo = { name: 'jane', groups: ['system:authenticated'] };

/** Allows masters everything, and records what was asked. */
function recordingAuthorizer(asked: Attributes[]): Authorizer {
  return {
    authorize: (a) => {
      asked.push(a);
      return a.user.groups.includes('system:masters') ? { decision: 'Allow', reason: '' } : { decision: 'NoOpinion', reason: '' };
    },
  };
}

async function run(user: UserInfo, headers: [string, string][]) {
  const asked: Attributes[] = [];
  const req = fakeRequest({ headers });
  setUser(req, user);
  let error: unknown;
  await withImpersonation({ authorizer: recordingAuthorizer(asked), logger: discardLogger })(req as Request, {} as Response, (err?: unknown) => {
    error = err;
  });
  return { req: req as IncomingMessage, asked, error, user: userFrom(req) };
}

describe('impersonation filter', () => {
  it('passes a request without impersonation headers through unchanged', async () => {
    const r = await run(jane, []);
    assert.equal(r.error, undefined);
    assert.equal(r.user, jane);
    assert.equal(r.asked.length, 0);
  });

  it('switches to the impersonated user after checking each part, and removes the headers', async () => {
    const r = await run(admin, [
      ['Impersonate-User', 'bob'],
      ['Impersonate-Group', 'g1'],
      ['Impersonate-Group', 'g2'],
      ['Impersonate-Uid', 'u-1'],
      ['Impersonate-Extra-Scopes', 'read'],
    ]);
    assert.equal(r.error, undefined);
    assert.deepEqual(r.user, { name: 'bob', uid: 'u-1', groups: ['g1', 'g2', 'system:authenticated'], extra: { scopes: ['read'] } });
    assert.deepEqual(
      r.asked.map((a) => [a.verb, a.apiGroup, a.resource, a.subresource, a.name]),
      [
        ['impersonate', '', 'users', '', 'bob'],
        ['impersonate', '', 'groups', '', 'g1'],
        ['impersonate', '', 'groups', '', 'g2'],
        ['impersonate', 'authentication.k8s.io', 'userextras', 'scopes', 'read'],
        ['impersonate', 'authentication.k8s.io', 'uids', '', 'u-1'],
      ],
    );
    assert.deepEqual(Object.keys(r.req.headers).filter((h) => h.startsWith('impersonate')), []);
    assert.equal(r.req.rawHeaders.length, 0);
  });

  it('gives a service account its groups, and anonymous system:unauthenticated', async () => {
    const sa = await run(admin, [['Impersonate-User', 'system:serviceaccount:ns1:bot']]);
    assert.deepEqual(sa.user, { name: 'system:serviceaccount:ns1:bot', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated'] });
    assert.deepEqual(sa.asked.map((a) => [a.resource, a.namespace, a.name]), [['serviceaccounts', 'ns1', 'bot']]);
    const anon = await run(admin, [['Impersonate-User', 'system:anonymous']]);
    assert.deepEqual(anon.user?.groups, ['system:unauthenticated']);
  });

  it('refuses with kube\'s 403 when the requester may not impersonate', async () => {
    const r = await run(jane, [['Impersonate-User', 'bob']]);
    assert.ok(r.error instanceof StatusError);
    assert.equal(r.error.status.code, 403);
    assert.equal(r.error.status.message, 'users "bob" is forbidden: User "jane" cannot impersonate resource "users" in API group "" at the cluster scope');
    assert.equal(r.user, jane);
  });

  it('refuses groups without a user with a 400 (kube answers 500, but the fault is the client’s)', async () => {
    const r = await run(admin, [['Impersonate-Group', 'g1']]);
    assert.ok(r.error instanceof StatusError);
    assert.equal(r.error.status.code, 400);
    assert.equal(r.error.status.reason, 'BadRequest');
    assert.match(r.error.status.message ?? '', /without impersonating a user/);
  });
});
