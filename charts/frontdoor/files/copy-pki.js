// Init container: copies the PKI Secret (mounted read-only, as kubelet mounts
// every Secret) into the writable cert dir. frontdoor then reuses the shared CAs
// and service-account key, and issues this pod's own serving certificate from the
// shared CA when the copied one lacks the pod's host name.
// Usage: node -e "<this file>" SOURCE_DIR DEST_DIR
const fs = require('fs');
const path = require('path');
const [src, dst] = process.argv.slice(1);
fs.mkdirSync(dst, { recursive: true, mode: 0o700 });
let copied = 0;
for (const name of fs.readdirSync(src)) {
  // kubelet's own entries (..data, ..2024_01_01...) are not keys of the Secret.
  if (name.startsWith('.')) continue;
  const from = path.join(src, name);
  if (!fs.statSync(from).isFile()) continue;
  const to = path.join(dst, name);
  fs.copyFileSync(from, to);
  fs.chmodSync(to, name.endsWith('.key') ? 0o600 : 0o644);
  copied++;
}
for (const required of ['ca.crt', 'ca.key', 'client-ca.crt', 'client-ca.key', 'front-proxy-ca.crt', 'front-proxy-ca.key', 'sa.key']) {
  if (!fs.existsSync(path.join(dst, required))) {
    console.error(`copy-pki: the PKI Secret has no ${required}: every replica would generate its own`);
    process.exit(1);
  }
}
console.log(`copy-pki: ${copied} files from ${src} to ${dst}`);
