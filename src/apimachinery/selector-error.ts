import type { FieldError } from './validation/field-error.js';

/**
 * A label or field selector that kube would refuse. The message is kube's own
 * text (handlers send it back in a 400); `fieldErrors` holds the structured
 * errors when the refusal came from requirement validation.
 */
export class SelectorParseError extends Error {
  constructor(
    message: string,
    readonly fieldErrors: readonly FieldError[] = [],
  ) {
    super(message);
    this.name = 'SelectorParseError';
  }
}
