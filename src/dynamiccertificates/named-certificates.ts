/**
 * Which SNI certificate answers a server name (kube's getNamedCertificateMap
 * and Go's tls.Config.getCertificate): names given on the flag win over names
 * read from certificates, and an earlier certificate wins over a later one for
 * the same name. A lookup tries the exact name, then the wildcard for its first
 * label ("a.example.com" -> "*.example.com"); nothing found means the default
 * serving certificate.
 */
export interface NamedEntry<T> {
  names: string[];
  /** Names from the flag rather than from the certificate. */
  explicit: boolean;
  value: T;
}

export function buildNameMap<T>(entries: readonly NamedEntry<T>[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const pass of [true, false]) {
    for (const e of entries) {
      if (e.explicit !== pass) continue;
      for (const name of e.names) {
        const key = normalize(name);
        if (!map.has(key)) map.set(key, e.value);
      }
    }
  }
  return map;
}

export function lookupName<T>(map: ReadonlyMap<string, T>, serverName: string): T | undefined {
  const name = normalize(serverName);
  if (name === '') return undefined;
  const exact = map.get(name);
  if (exact !== undefined) return exact;
  const labels = name.split('.');
  if (labels.length < 2) return undefined;
  labels[0] = '*';
  return map.get(labels.join('.'));
}

function normalize(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}
