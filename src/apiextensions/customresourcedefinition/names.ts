/** kube's ValidateCustomResourceDefinitionNames: used for spec.names and status.acceptedNames. */
import { type FieldError, invalid } from '../../apimachinery/validation/field-error.js';
import { isDNS1035Label } from '../../apimachinery/validation/names.js';
import type { FieldPath } from '../../apimachinery/validation/path.js';
import type { CustomResourceDefinitionNames } from './types.js';

const s = (v: unknown): string => (typeof v === 'string' ? v : '');

export function validateCustomResourceDefinitionNames(
  names: Partial<CustomResourceDefinitionNames>,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const dns1035 = (name: 'plural' | 'singular', value: string): void => {
    const msgs = isDNS1035Label(value);
    if (value.length > 0 && msgs.length > 0) errs.push(invalid(path.child(name), value, msgs.join(',')));
  };
  // Kinds may be CamelCase: kube checks their lowercase form against DNS-1035.
  const kindLike = (name: 'kind' | 'listKind', value: string): void => {
    const msgs = isDNS1035Label(value.toLowerCase());
    if (value.length > 0 && msgs.length > 0) {
      errs.push(invalid(path.child(name), value, `may have mixed case, but should otherwise match: ${msgs.join(',')}`));
    }
  };
  const plural = s(names.plural);
  const singular = s(names.singular);
  const kind = s(names.kind);
  const listKind = s(names.listKind);
  dns1035('plural', plural);
  dns1035('singular', singular);
  kindLike('kind', kind);
  kindLike('listKind', listKind);
  (names.shortNames ?? []).forEach((short, i) => {
    const msgs = isDNS1035Label(s(short));
    if (msgs.length > 0) errs.push(invalid(path.child('shortNames').index(i), short, msgs.join(',')));
  });
  // Equal kind and listKind would make decoding a list ambiguous.
  if (kind.length > 0 && kind === listKind) {
    errs.push(invalid(path.child('listKind'), listKind, 'kind and listKind may not be the same'));
  }
  (names.categories ?? []).forEach((category, i) => {
    const msgs = isDNS1035Label(s(category));
    if (msgs.length > 0) errs.push(invalid(path.child('categories').index(i), category, msgs.join(',')));
  });
  return errs;
}
