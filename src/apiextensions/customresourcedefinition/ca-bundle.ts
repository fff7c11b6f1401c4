/**
 * kube's webhook.ValidateCABundle: a conversion webhook's caBundle must hold
 * at least one PEM certificate. Kube checks it only on updates of an
 * Established CRD whose stored bundle was valid (a bad bundle is otherwise
 * tolerated, so that CRDs created before the check stay editable).
 */
import { X509Certificate } from 'node:crypto';
import { type FieldError, invalid, OMIT_VALUE } from '../../apimachinery/validation/field-error.js';
import type { FieldPath } from '../../apimachinery/validation/path.js';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** True when the base64 bundle holds at least one parseable certificate, as cert.NewPoolFromBytes needs. */
export function isValidCABundle(caBundle: string): boolean {
  const pem = Buffer.from(caBundle, 'base64').toString('latin1');
  for (const block of pem.match(PEM_BLOCK) ?? []) {
    try {
      new X509Certificate(block);
      return true;
    } catch {
      // Kube skips blocks that do not parse.
    }
  }
  return false;
}

export function validateCABundle(path: FieldPath, caBundle: string): FieldError[] {
  return isValidCABundle(caBundle) ? [] : [invalid(path, OMIT_VALUE, 'data does not contain any valid RSA or ECDSA certificates')];
}
