/**
 * The CEL part of kube's CRD schema validation: every x-kubernetes-validations
 * rule compiled against its node's type (src/apiextensions/schema/cel/), and
 * refused with kube's paths and texts when it does not compile, when its
 * messageExpression does not, when it names oldSelf where no old value can
 * be correlated, or when its estimated cost (the rule's cost times how many
 * times the node can occur) exceeds kube's per-rule or per-schema budget.
 * Run only on a schema that passed the structural checks, as kube does.
 */
import { type FieldError, forbidden, invalid } from '../../apimachinery/validation/field-error.js';
import type { FieldPath } from '../../apimachinery/validation/path.js';
import { compileRules } from '../schema/cel/compile.js';
import { costErrorMessage, STATIC_ESTIMATED_COST_LIMIT, STATIC_ESTIMATED_CRD_COST_LIMIT } from '../schema/cel/cost.js';
import { MAX_REQUEST_SIZE_BYTES, minSerializedSize } from '../schema/cel/types.js';
import { type Structural, toStructural } from '../schema/structural.js';
import type { JSONSchemaProps } from './types.js';

interface Walk {
  errs: FieldError[];
  costs: Array<{ path: FieldPath; cost: number }>;
  total: number;
}

/**
 * The most times a node's value can occur when unbounded: what fits in a
 * request at its smallest serialization and a comma (kube's maxCardinality
 * of the node's DeclType.MinSerializedSize).
 */
function unboundedCardinality(s: Structural): number {
  return Math.floor(MAX_REQUEST_SIZE_BYTES / ((minSerializedSize(s) ?? 1) + 1));
}

const rawRules = (raw: JSONSchemaProps | undefined): unknown[] => (Array.isArray(raw?.['x-kubernetes-validations']) ? raw['x-kubernetes-validations'] : []);

function visit(
  s: Structural,
  raw: JSONSchemaProps | undefined,
  path: FieldPath,
  isResourceRoot: boolean,
  cardinality: number | undefined,
  uncorrelatable: FieldPath | undefined,
  w: Walk,
): void {
  const rules = compileRules(s, isResourceRoot);
  const rulesPath = path.child('x-kubernetes-validations');
  const raws = rawRules(raw);
  rules.forEach((c, i) => {
    // Entries without a string rule were refused by the static checks before this runs, so indexes agree.
    const p = rulesPath.index(i);
    const shown = raws[i] ?? c.rule;
    const n = cardinality ?? unboundedCardinality(s);
    const cost = c.cost * n;
    if (cost > STATIC_ESTIMATED_COST_LIMIT) w.errs.push(forbidden(p.child('rule'), costErrorMessage('estimated rule cost', cost, STATIC_ESTIMATED_COST_LIMIT)));
    w.costs.push({ path: p.child('rule'), cost });
    w.total += cost;
    if (c.error !== undefined) w.errs.push(invalid(p.child('rule'), shown, c.error));
    if (c.messageError !== undefined) w.errs.push(invalid(p.child('messageExpression'), shown, c.messageError));
    else if (c.messageProgram) {
      // kube compares a messageExpression's own cost, not times the node's cardinality (it runs only for a failing rule).
      const messageCost = c.messageCost;
      if (messageCost > STATIC_ESTIMATED_COST_LIMIT) {
        w.errs.push(forbidden(p.child('messageExpression'), costErrorMessage('estimated messageExpression cost', messageCost, STATIC_ESTIMATED_COST_LIMIT)));
      }
      w.costs.push({ path: p.child('messageExpression'), cost: messageCost });
      w.total += messageCost;
    }
    if (c.usesOldSelf && uncorrelatable) {
      w.errs.push(invalid(p.child('rule'), c.rule.rule, `oldSelf cannot be used on the uncorrelatable portion of the schema within ${uncorrelatable}`));
    } else if (!c.usesOldSelf && c.rule.optionalOldSelf !== undefined && c.error === undefined) {
      w.errs.push(invalid(p.child('optionalOldSelf'), c.rule.optionalOldSelf, 'may not be set if oldSelf is not used in rule'));
    }
  });
  const times = (max: number | undefined): number | undefined => (cardinality === undefined || max === undefined ? undefined : cardinality * Math.max(0, max));
  for (const [name, prop] of s.properties) {
    visit(prop, raw?.properties && Object.hasOwn(raw.properties, name) ? raw.properties[name] : undefined, path.child('properties').key(name), prop.embeddedResource, cardinality, uncorrelatable, w);
  }
  if (s.additionalProperties !== undefined && s.additionalProperties !== true) {
    const rawAdditional = typeof raw?.additionalProperties === 'object' ? raw.additionalProperties : undefined;
    visit(s.additionalProperties, rawAdditional, path.child('additionalProperties'), s.additionalProperties.embeddedResource, times(s.maxProperties), uncorrelatable, w);
  }
  if (s.items) {
    const rawItems = typeof raw?.items === 'object' && !Array.isArray(raw.items) ? raw.items : undefined;
    const next = uncorrelatable ?? (s.listType === 'map' ? undefined : path);
    visit(s.items, rawItems, path.child('items'), s.items.embeddedResource, times(s.maxItems), next, w);
  }
}

/** The CEL errors of one openAPIV3Schema at `schemaPath` (`spec.versions[0].schema.openAPIV3Schema`). */
export function validateCelRules(schema: JSONSchemaProps, schemaPath: FieldPath): FieldError[] {
  const w: Walk = { errs: [], costs: [], total: 0 };
  visit(toStructural(schema), schema, schemaPath, true, 1, undefined, w);
  if (w.total > STATIC_ESTIMATED_CRD_COST_LIMIT) {
    const expensive = w.costs.filter((c) => c.cost >= STATIC_ESTIMATED_CRD_COST_LIMIT / 100).sort((a, b) => b.cost - a.cost).slice(0, 4);
    for (const e of expensive) w.errs.push(forbidden(e.path, 'contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema'));
    w.errs.push(forbidden(schemaPath, costErrorMessage('x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema', w.total, STATIC_ESTIMATED_CRD_COST_LIMIT)));
  }
  return w.errs;
}
