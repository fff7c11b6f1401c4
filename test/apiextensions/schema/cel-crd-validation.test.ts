import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JSONSchemaProps } from '../../../src/apiextensions/customresourcedefinition/types.js';
import { validateCustomResourceDefinition } from '../../../src/apiextensions/customresourcedefinition/validation.js';
import { objectWithSpec, simpleCRD } from '../customresourcedefinition/fixtures.js';

// A one-version CRD reports schema paths as kube does for it (the version's schema is lifted to spec.validation).
const SPEC = 'spec.validation.openAPIV3Schema.properties[spec]';
const errorsFor = (spec: JSONSchemaProps): string[] => validateCustomResourceDefinition(simpleCRD(objectWithSpec(spec))).map(String);
const withRules = (rules: unknown[], props: Record<string, JSONSchemaProps> = { a: { type: 'integer' }, s: { type: 'string', maxLength: 10 } }): JSONSchemaProps =>
  ({ type: 'object', properties: props, 'x-kubernetes-validations': rules }) as JSONSchemaProps;

describe('CRD validation: x-kubernetes-validations compiled', () => {
  it('accepts rules that compile', () => {
    // A messageExpression concatenating string(x) is refused by kube for cost (string()'s result has no size
    // estimate: cel-go's cost_test "str size estimate"), so this one concatenates a bounded string.
    assert.deepEqual(errorsFor(withRules([{ rule: 'self.a > 0' }, { rule: 'self.s == oldSelf.s', message: 'immutable' }, { rule: 'true', messageExpression: '"s=" + self.s' }])), []);
  });
  it('refuses a rule that does not compile with kube\'s path and message', () => {
    const errs = errorsFor(withRules([{ rule: 'self.b > 0' }]));
    assert.equal(errs.length, 1);
    assert.ok(errs[0]!.startsWith(`${SPEC}.x-kubernetes-validations[0].rule: Invalid value: {"rule":"self.b > 0"}: compilation failed: ERROR: <input>:1:5: undefined field 'b'`), errs[0]);
  });
  it('refuses a rule that is not a bool', () => {
    assert.deepEqual(errorsFor(withRules([{ rule: 'self.a' }])), [`${SPEC}.x-kubernetes-validations[0].rule: Invalid value: {"rule":"self.a"}: cel expression must evaluate to a bool`]);
  });
  it('refuses a messageExpression that does not compile or is not a string', () => {
    const errs = errorsFor(withRules([{ rule: 'true', messageExpression: 'self.nope' }, { rule: 'true', messageExpression: 'self.a' }]));
    assert.match(errs[0]!, /x-kubernetes-validations\[0\]\.messageExpression: Invalid value: .*messageExpression compilation failed: ERROR: <input>:1:5: undefined field 'nope'/);
    assert.match(errs[1]!, /x-kubernetes-validations\[1\]\.messageExpression: Invalid value: .*: messageExpression must evaluate to a string$/);
  });
  it('still checks reason and fieldPath statically', () => {
    assert.deepEqual(errorsFor(withRules([{ rule: 'true', fieldPath: '.nope' }])), [`${SPEC}.x-kubernetes-validations[0].fieldPath: Invalid value: ".nope": must be a valid path`]);
    assert.equal(errorsFor(withRules([{ rule: 'true', reason: 'FieldValueTooLong' }])).length, 1);
  });
  it('refuses oldSelf under a list that cannot correlate items', () => {
    const errs = errorsFor(withRules([], { l: { type: 'array', maxItems: 5, items: { type: 'string', maxLength: 5, 'x-kubernetes-validations': [{ rule: 'self == oldSelf' }] } } }));
    assert.deepEqual(errs, [`${SPEC}.properties[l].items.x-kubernetes-validations[0].rule: Invalid value: "self == oldSelf": oldSelf cannot be used on the uncorrelatable portion of the schema within ${SPEC}.properties[l]`]);
  });
  it('refuses optionalOldSelf on a rule without oldSelf', () => {
    assert.deepEqual(errorsFor(withRules([{ rule: 'self.a > 0', optionalOldSelf: true }])), [`${SPEC}.x-kubernetes-validations[0].optionalOldSelf: Invalid value: true: may not be set if oldSelf is not used in rule`]);
  });
  it('refuses nested iteration over unbounded lists by estimated cost', () => {
    const unbounded = { l: { type: 'array', items: { type: 'string' } } } as Record<string, JSONSchemaProps>;
    const errs = errorsFor(withRules([{ rule: 'self.l.all(x, self.l.all(y, x == y))' }], unbounded));
    assert.ok(errs.includes(`${SPEC}.x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of more than 100x (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`), errs.join('\n'));
    assert.ok(errs.some((e) => e.startsWith('spec.validation.openAPIV3Schema: Forbidden: x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget')), errs.join('\n'));
  });
  it('accepts the same iteration once lists and strings are bounded', () => {
    const bounded = { l: { type: 'array', maxItems: 10, items: { type: 'string', maxLength: 10 } } } as Record<string, JSONSchemaProps>;
    assert.deepEqual(errorsFor(withRules([{ rule: 'self.l.all(x, self.l.all(y, x == y))' }], bounded)), []);
  });
  it('multiplies a rule\'s cost by how often its node occurs', () => {
    const items = { l: { type: 'array', items: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.matches("^[a-z]+$")' }] } } } as Record<string, JSONSchemaProps>;
    assert.match(errorsFor(withRules([], items)).join('\n'), /items\.x-kubernetes-validations\[0\]\.rule: Forbidden: estimated rule cost exceeds budget/);
  });
});
