/**
 * Reads the fields of a certificate that frontdoor cares about. It walks the DER
 * itself (with forge's ASN.1 reader) rather than using forge.pki.certificateFromPem,
 * which refuses any certificate whose key is not RSA.
 */
import forge from 'node-forge';
import { ipFromBytes } from './ip.js';

export interface CertificateInfo {
  /** The subject's first CN, or '' when it has none. */
  commonName: string;
  /** Every subject O, in order (kube's groups for a client certificate). */
  organizations: string[];
  issuerCommonName: string;
  /** Lower-case hex, as in the DER. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  dnsNames: string[];
  /** Canonical text (see ip.ts). */
  ipAddresses: string[];
  /** basicConstraints cA. */
  isCA: boolean;
}

const OID_CN = '2.5.4.3';
const OID_O = '2.5.4.10';
const OID_SAN = '2.5.29.17';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';

const { Class, Type } = forge.asn1;
type Asn1 = forge.asn1.Asn1;

/** Parses the first CERTIFICATE block of `pem`; throws if there is none or it is malformed. */
export function parseCertificate(pem: string): CertificateInfo {
  const block = forge.pem.decode(pem).find((m) => m.type === 'CERTIFICATE');
  if (!block) throw new Error('no CERTIFICATE block in PEM');
  const tbs = children(children(forge.asn1.fromDer(block.body))[0]);
  // version is an optional [0]; every later field's index shifts with it.
  const first = tbs[0];
  const at = first && first.tagClass === Class.CONTEXT_SPECIFIC && first.type === 0 ? 1 : 0;
  const [serial, , issuer, validity, subject] = tbs.slice(at, at + 5);
  if (!serial || !issuer || !validity || !subject) throw new Error('truncated certificate');
  const [notBefore, notAfter] = children(validity).map(toDate);

  const info: CertificateInfo = {
    commonName: nameValues(subject, OID_CN)[0] ?? '',
    organizations: nameValues(subject, OID_O),
    issuerCommonName: nameValues(issuer, OID_CN)[0] ?? '',
    serialNumber: forge.util.bytesToHex(bytes(serial)),
    notBefore: notBefore!,
    notAfter: notAfter!,
    dnsNames: [],
    ipAddresses: [],
    isCA: false,
  };
  const extensions = tbs.slice(at + 6).find((n) => n.tagClass === Class.CONTEXT_SPECIFIC && n.type === 3);
  if (extensions) readExtensions(children(children(extensions)[0]), info);
  return info;
}

function readExtensions(exts: Asn1[], info: CertificateInfo): void {
  for (const ext of exts) {
    const fields = children(ext);
    const oid = forge.asn1.derToOid(bytes(fields[0]));
    // extnValue is the last field; `critical` sits between when present.
    const value = forge.asn1.fromDer(bytes(fields[fields.length - 1]));
    if (oid === OID_SAN) {
      for (const name of children(value)) {
        if (name.tagClass !== Class.CONTEXT_SPECIFIC) continue;
        if (name.type === 2) info.dnsNames.push(bytes(name));
        if (name.type === 7) {
          const ip = ipFromBytes(Buffer.from(bytes(name), 'binary'));
          if (ip) info.ipAddresses.push(ip);
        }
      }
    } else if (oid === OID_BASIC_CONSTRAINTS) {
      const cA = children(value)[0];
      info.isCA = cA !== undefined && cA.type === Type.BOOLEAN && bytes(cA).charCodeAt(0) !== 0;
    }
  }
}

/** The values of one attribute type in a Name (a SEQUENCE of SETs of type/value pairs). */
function nameValues(name: Asn1, oid: string): string[] {
  const out: string[] = [];
  for (const rdn of children(name)) {
    for (const pair of children(rdn)) {
      const [type, value] = children(pair);
      if (type && value && forge.asn1.derToOid(bytes(type)) === oid) out.push(decodeString(value));
    }
  }
  return out;
}

function decodeString(node: Asn1): string {
  const raw = bytes(node);
  if (node.type === Type.UTF8) return forge.util.decodeUtf8(raw);
  if (node.type === Type.BMPSTRING) return Buffer.from(raw, 'binary').swap16().toString('utf16le');
  return raw; // PrintableString, IA5String, TeletexString: single bytes
}

function toDate(node: Asn1): Date {
  if (node.type === Type.UTCTIME) return forge.asn1.utcTimeToDate(bytes(node));
  if (node.type === Type.GENERALIZEDTIME) return forge.asn1.generalizedTimeToDate(bytes(node));
  throw new Error('certificate validity is not a time');
}

function children(node: Asn1 | undefined): Asn1[] {
  if (!node || !Array.isArray(node.value)) throw new Error('malformed certificate: expected a constructed value');
  return node.value;
}

function bytes(node: Asn1 | undefined): string {
  if (!node || typeof node.value !== 'string') throw new Error('malformed certificate: expected a primitive value');
  return node.value;
}
