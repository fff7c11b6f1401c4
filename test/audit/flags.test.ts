import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OptionsError, parseOptions } from '../../src/cli/options.js';
import { makeTempDir, type TempDir } from '../helpers/tmp.js';

describe('audit flags', () => {
  let tmp: TempDir;
  let policy: string;
  before(async () => {
    tmp = await makeTempDir('frontdoor-audit-flags-');
    policy = join(tmp.path, 'policy.yaml');
    await writeFile(policy, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n');
  });
  after(async () => {
    await tmp.remove();
  });

  const refusal = (argv: string[]): string => {
    try {
      parseOptions(argv);
    } catch (err) {
      assert.ok(err instanceof OptionsError, String(err));
      assert.ok(!err.message.includes('\n'), 'one line');
      return err.message;
    }
    assert.fail('accepted');
  };

  it('audits nothing without both a policy and a log path, as kube', () => {
    assert.equal(parseOptions([]).audit, undefined);
    assert.equal(parseOptions(['--audit-policy-file', policy]).audit, undefined);
    assert.equal(parseOptions(['--audit-log-path', join(tmp.path, 'a.log')]).audit, undefined);
  });

  it('loads the policy and takes kube\'s rotation flags', () => {
    const audit = parseOptions([
      '--audit-policy-file', policy,
      '--audit-log-path', join(tmp.path, 'a.log'),
      '--audit-log-maxage', '7',
      '--audit-log-maxbackup', '3',
      '--audit-log-maxsize', '50',
    ]).audit;
    assert.ok(audit);
    assert.deepEqual(audit.policy.policy.rules, [{ level: 'Metadata', users: undefined, userGroups: undefined, verbs: undefined, resources: undefined, namespaces: undefined, nonResourceURLs: undefined, omitStages: undefined, omitManagedFields: undefined }]);
    assert.deepEqual({ ...audit, policy: undefined }, { policy: undefined, logPath: join(tmp.path, 'a.log'), maxAgeDays: 7, maxBackups: 3, maxSizeMB: 50 });
  });

  it('defaults the rotation flags to 0 and keeps "-" as standard output', () => {
    const audit = parseOptions(['--audit-policy-file', policy, '--audit-log-path', '-']).audit;
    assert.deepEqual({ ...audit, policy: undefined }, { policy: undefined, logPath: '-', maxAgeDays: 0, maxBackups: 0, maxSizeMB: 0 });
  });

  it('refuses a policy file that cannot be read or used, naming the flag', async () => {
    const missing = join(tmp.path, 'missing.yaml');
    assert.equal(refusal(['--audit-policy-file', missing]), `--audit-policy-file: failed to read file path ${JSON.stringify(missing)}: ENOENT`);
    const bad = join(tmp.path, 'bad.yaml');
    await writeFile(bad, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Loud\n');
    assert.equal(
      refusal(['--audit-policy-file', bad, '--audit-log-path', '-']),
      `--audit-policy-file: rules[0].level: Unsupported value: "Loud": supported values: "None", "Metadata", "Request", "RequestResponse": from file ${bad}`,
    );
  });

  it('refuses negative or non-numeric rotation values', () => {
    for (const flag of ['--audit-log-maxage', '--audit-log-maxbackup', '--audit-log-maxsize']) {
      assert.match(refusal([flag, '-1']), new RegExp(`${flag}`));
      assert.match(refusal([flag, 'ten']), new RegExp(`${flag} must be an integer from 0 to`));
    }
  });
});
