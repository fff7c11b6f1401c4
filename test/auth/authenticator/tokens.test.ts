import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidCredentialsError } from '../../../src/auth/authenticator/authenticator.js';
import { bearerToken, createBearerTokenAuthenticator } from '../../../src/auth/authenticator/bearer-token.js';
import { parseCSV, TokenFileAuthenticator, TokenFileError } from '../../../src/auth/authenticator/token-file.js';
import { audienceAgnostic } from '../../../src/auth/authenticator/token.js';
import { fakeRequest } from './helpers.js';

const CSV = [
  'tok-alice,alice,uid-1,"dev,ops"',
  'tok-bob,bob,uid-2',
  '',
  ' tok-quoted , "carol ""c""",uid-3,g1,ignored-extra-column',
].join('\n');

describe('token file', () => {
  const file = TokenFileAuthenticator.fromCSV(CSV);

  it('names the user of a known token, with uid and groups', () => {
    assert.deepEqual(file.authenticateToken('tok-alice')?.user, { name: 'alice', uid: 'uid-1', groups: ['dev', 'ops'] });
    assert.deepEqual(file.authenticateToken('tok-bob')?.user, { name: 'bob', uid: 'uid-2', groups: [] });
  });

  it('reads Go csv quoting (leading spaces trimmed, "" for a quote)', () => {
    assert.deepEqual(parseCSV(' a , "b ""c"",d"\n\n"x\ny",z\n', 'f'), [['a ', 'b "c",d'], ['x\ny', 'z']]);
    assert.equal(file.authenticateToken('tok-quoted ')?.user.name, 'carol "c"');
  });

  it('has nothing to say for an unknown token', () => {
    assert.equal(file.authenticateToken('nope'), null);
  });

  it('refuses a file with fewer than 3 columns, in kube\'s words', () => {
    assert.throws(() => TokenFileAuthenticator.fromCSV('tok,user\n', 'f.csv'), (err: Error) => err instanceof TokenFileError && err.message === "token file 'f.csv' must have at least 3 columns (token, user name, user uid), found 2");
  });
});

describe('bearer token', () => {
  const file = TokenFileAuthenticator.fromCSV(CSV);
  const bearer = createBearerTokenAuthenticator(file, []);
  const req = (authorization?: string) => fakeRequest({ headers: authorization === undefined ? [] : [['Authorization', authorization]] });

  it('reads "Bearer <token>" (scheme case-insensitive)', () => {
    assert.equal(bearerToken(req('Bearer abc')), 'abc');
    assert.equal(bearerToken(req('bearer abc')), 'abc');
    assert.equal(bearerToken(req('Basic abc')), undefined);
    assert.equal(bearerToken(req('Bearer ')), undefined);
  });

  it('authenticates a known token', async () => {
    assert.equal((await bearer.authenticate(req('Bearer tok-alice')))?.name, 'alice');
  });

  it('refuses a token nobody recognises, rather than passing it on', async () => {
    await assert.rejects(async () => bearer.authenticate(req('Bearer nope')), (err: Error) => err instanceof InvalidCredentialsError && err.message === 'invalid bearer token');
  });

  it('has nothing to say without a bearer header', async () => {
    assert.equal(await bearer.authenticate(req()), null);
    assert.equal(await bearer.authenticate(req('Basic abc')), null);
  });

  it('a token file answers only for the server\'s own audiences', async () => {
    const wrapped = audienceAgnostic(file, ['api']);
    assert.deepEqual((await wrapped.authenticateToken('tok-bob', ['api', 'other']))?.audiences, ['api']);
    assert.equal(await wrapped.authenticateToken('tok-bob', ['other']), null);
    assert.deepEqual((await wrapped.authenticateToken('tok-bob', []))?.audiences, []);
  });
});
