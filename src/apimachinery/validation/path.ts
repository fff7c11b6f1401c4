/**
 * A field path as kube's field.Path prints it: `metadata.labels[app]`,
 * `spec.containers[0].name`. Immutable: each step returns a new path.
 */
export class FieldPath {
  private constructor(private readonly text: string) {}

  /** A root path; more names are appended as children (`FieldPath.of('metadata', 'name')`). */
  static of(name: string, ...more: string[]): FieldPath {
    return new FieldPath(name).child(...more);
  }

  child(...names: string[]): FieldPath {
    let text = this.text;
    for (const name of names) text = text === '' ? name : `${text}.${name}`;
    return new FieldPath(text);
  }

  /** A list subscript: `[3]`. */
  index(i: number): FieldPath {
    return new FieldPath(`${this.text}[${i}]`);
  }

  /** A map subscript, printed unquoted as kube does: `[app.kubernetes.io/name]`. */
  key(k: string): FieldPath {
    return new FieldPath(`${this.text}[${k}]`);
  }

  toString(): string {
    return this.text;
  }
}

/**
 * What kube prints for a nil *field.Path. Some kube callers (the label
 * selector parser) validate with no path, and the text reaches clients.
 */
export const NIL_PATH_TEXT = '<nil>';
