/**
 * Combining CA bundles for the extension-apiserver-authentication ConfigMap
 * (kube's combineCertLists): the certificates of every bundle in order, each
 * once (by its DER bytes), without those that have expired, re-encoded as
 * one PEM bundle. Keeping the existing bundle's certificates first is what
 * makes a rotated CA accumulate: the old CA stays published beside the new
 * one until it expires, so clients that trust the ConfigMap never see a gap.
 */
import { X509Certificate } from 'node:crypto';
import { notAfter, pemBlocks } from '../../dynamiccertificates/pem.js';

/** kube keeps a certificate until five minutes after its notAfter, to ride out clock skew. */
export const EXPIRY_SLACK_MS = 5 * 60_000;

export interface CombinedCABundle {
  /** The surviving certificates as PEM, one block each, in first-seen order; '' when none survives. */
  pem: string;
  /** How many certificates were kept. */
  count: number;
  /** Subjects of the certificates dropped for having expired, for the log. */
  expired: string[];
  /** PEM blocks that were not readable certificates (skipped, so a damaged ConfigMap is repaired, not fatal). */
  unreadable: number;
}

/** Combines the bundles (earlier ones first) as of `now`. */
export function combineCABundles(bundles: readonly string[], now: Date): CombinedCABundle {
  const seen = new Set<string>();
  const kept: X509Certificate[] = [];
  const expired: string[] = [];
  let unreadable = 0;
  const cutoff = now.getTime() - EXPIRY_SLACK_MS;
  for (const bundle of bundles) {
    for (const block of pemBlocks(bundle)) {
      const cert = readCertificate(block.type, block.pem);
      if (!cert) {
        unreadable++;
        continue;
      }
      const der = cert.raw.toString('base64');
      if (seen.has(der)) continue;
      seen.add(der);
      if (notAfter(cert).getTime() <= cutoff) {
        expired.push(cert.subject.replace(/\n/g, ','));
        continue;
      }
      kept.push(cert);
    }
  }
  return { pem: kept.map(encode).join(''), count: kept.length, expired, unreadable };
}

function readCertificate(type: string, pem: string): X509Certificate | undefined {
  if (type !== 'CERTIFICATE') return undefined;
  try {
    const cert = new X509Certificate(pem);
    notAfter(cert);
    return cert;
  } catch {
    return undefined;
  }
}

/** Go's pem.Encode of the DER bytes: 64-column base64 between the markers. */
function encode(cert: X509Certificate): string {
  const b64 = cert.raw.toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
