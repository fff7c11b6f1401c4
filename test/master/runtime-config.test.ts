import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEnabled, parseRuntimeConfig, RuntimeConfigError, unknownEntries } from '../../src/master/runtime-config.js';
import type { ResourceDefinition } from '../../src/registry/resource-definition.js';

const def = (group: string, version: string, resource: string) =>
  ({ info: { group, version, resource, singularName: resource, kind: resource, namespaced: true } }) as unknown as ResourceDefinition;

const deployments = def('apps', 'v1', 'deployments');
const configmaps = def('', 'v1', 'configmaps');
const hpaV1 = def('autoscaling', 'v1', 'horizontalpodautoscalers');
const beta = def('example.com', 'v1beta1', 'widgets');

describe('--runtime-config', () => {
  it('serves GA resources and not beta ones by default', () => {
    const c = parseRuntimeConfig([]);
    assert.ok(isEnabled(c, deployments));
    assert.ok(!isEnabled(c, beta));
  });

  it('turns a group-version off, and back on per resource', () => {
    const c = parseRuntimeConfig(['autoscaling/v1=false']);
    assert.ok(!isEnabled(c, hpaV1));
    assert.ok(isEnabled(c, deployments));
    assert.ok(isEnabled(parseRuntimeConfig(['apps/v1=false', 'apps/v1/deployments=true']), deployments));
  });

  it('knows api/all, api/beta, api/legacy and bare keys', () => {
    assert.ok(!isEnabled(parseRuntimeConfig(['api/all=false']), deployments));
    assert.ok(isEnabled(parseRuntimeConfig(['api/all=false', 'apps/v1']), deployments));
    assert.ok(isEnabled(parseRuntimeConfig(['api/beta=true']), beta));
    assert.ok(!isEnabled(parseRuntimeConfig(['api/legacy=false']), configmaps));
    assert.ok(!isEnabled(parseRuntimeConfig(['api/v1/configmaps=false']), configmaps));
  });

  it('refuses bad values and names unknown group-versions', () => {
    assert.throws(() => parseRuntimeConfig(['apps/v1=maybe']), RuntimeConfigError);
    assert.throws(() => parseRuntimeConfig(['a/b/c/d']), RuntimeConfigError);
    assert.deepEqual(unknownEntries(parseRuntimeConfig(['nope.io/v1=false', 'apps/v1=true']), [deployments]), ['nope.io/v1']);
  });
});
