import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregatedRules } from '../../../src/master/controllers/clusterrole-aggregation.js';

const sel = (label: string) => ({ clusterRoleSelectors: [{ matchLabels: { [label]: 'true' } }] });

describe('aggregatedRules', () => {
  it('unions the rules of matching roles by name, each rule once, never its own', () => {
    const view = { metadata: { name: 'view', labels: { 'agg-edit': 'true' } }, aggregationRule: sel('agg-view'), rules: [{ verbs: ['stale'] }] };
    const b = { metadata: { name: 'b', labels: { 'agg-view': 'true' } }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] };
    const a = { metadata: { name: 'a', labels: { 'agg-view': 'true' } }, rules: [{ verbs: ['list'], apiGroups: [''], resources: ['pods'] }, { verbs: ['get'], apiGroups: [''], resources: ['pods'] }] };
    const other = { metadata: { name: 'c' }, rules: [{ verbs: ['delete'], apiGroups: [''], resources: ['pods'] }] };
    assert.deepEqual(aggregatedRules(view, [view, b, a, other]), [
      { verbs: ['list'], apiGroups: [''], resources: ['pods'] },
      { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
    ]);
  });

  it('is undefined for a role without aggregationRule, empty when nothing matches', () => {
    assert.equal(aggregatedRules({ metadata: { name: 'x' }, rules: [] }, []), undefined);
    assert.deepEqual(aggregatedRules({ metadata: { name: 'x' }, aggregationRule: sel('none') }, []), []);
  });
});
