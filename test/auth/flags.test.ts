import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OptionsError, parseOptions } from '../../src/cli/options.js';

describe('authentication flags', () => {
  it('has kube\'s defaults', () => {
    const a = parseOptions([]).authentication;
    assert.equal(a.anonymousAuth, true);
    assert.deepEqual(a.serviceAccountIssuers, ['https://kubernetes.default.svc']);
    assert.deepEqual(a.apiAudiences, ['https://kubernetes.default.svc']);
    assert.deepEqual(a.requestHeaderUsernameHeaders, ['X-Remote-User']);
    assert.deepEqual(a.requestHeaderGroupHeaders, ['X-Remote-Group']);
    assert.deepEqual(a.requestHeaderExtraHeadersPrefix, ['X-Remote-Extra-']);
    assert.equal(a.requestHeaderAllowedNames, undefined);
  });

  it('reads --anonymous-auth=false, repeated issuers, audiences and header lists that replace the defaults', () => {
    const a = parseOptions([
      '--anonymous-auth=false',
      '--service-account-issuer', 'https://one',
      '--service-account-issuer', 'two',
      '--api-audiences', 'x,y',
      '--requestheader-username-headers', 'X-User',
      '--requestheader-allowed-names', 'proxy-a,proxy-b',
    ]).authentication;
    assert.equal(a.anonymousAuth, false);
    assert.deepEqual(a.serviceAccountIssuers, ['https://one', 'two']);
    assert.deepEqual(a.apiAudiences, ['x', 'y']);
    assert.deepEqual(a.requestHeaderUsernameHeaders, ['X-User']);
    assert.deepEqual(a.requestHeaderAllowedNames, ['proxy-a', 'proxy-b']);
  });

  it('refuses an unreadable key file and an issuer that is neither a URL nor colon-free', () => {
    assert.throws(() => parseOptions(['--service-account-key-file', '/no/such/key.pub']), (e: Error) => e instanceof OptionsError && e.message.startsWith('--service-account-key-file: cannot read'));
    assert.throws(() => parseOptions(['--service-account-issuer', 'ftp://x']), OptionsError);
    assert.throws(() => parseOptions(['--anonymous-auth', 'perhaps']), OptionsError);
  });
});
