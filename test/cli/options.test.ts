import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OptionsError, parseOptions } from '../../src/cli/options.js';
import { proxyClientCertFiles } from '../../src/cli/proxy-client-cert.js';

describe('parseOptions', () => {
  it('applies kube-apiserver-like defaults for a zero-config start', () => {
    const o = parseOptions([]);
    assert.equal(o.securePort, 6443);
    assert.equal(o.bindAddress, '127.0.0.1');
    assert.match(o.dataDir, /\/data$/);
    assert.equal(o.certDir, `${o.dataDir}/pki`);
    assert.equal(o.logFormat, 'text');
    assert.equal(o.verbosity, 0);
    assert.deepEqual(o.etcdServers, []);
    assert.equal(o.etcdPrefix, '/registry');
    assert.equal(o.compactionIntervalMs, 300_000);
  });

  it('accepts -v, --v=N, repeated and comma-separated lists', () => {
    assert.equal(parseOptions(['-v', '4']).verbosity, 4);
    assert.equal(parseOptions(['--v=2']).verbosity, 2);
    assert.deepEqual(parseOptions(['--tls-sans', 'a.example,10.0.0.1', '--tls-sans=b.example']).tlsSANs, ['a.example', '10.0.0.1', 'b.example']);
    assert.deepEqual(parseOptions(['--etcd-servers', 'http://127.0.0.1:2379,https://10.0.0.2:2379']).etcdServers, ['http://127.0.0.1:2379', 'https://10.0.0.2:2379']);
  });

  it("takes kube's --etcd-compaction-interval as another name for --compaction-interval", () => {
    assert.equal(parseOptions(['--etcd-compaction-interval', '1m']).compactionIntervalMs, 60_000);
    assert.equal(parseOptions(['--compaction-interval', '0']).compactionIntervalMs, 0);
  });

  it('refuses bad values with OptionsError', () => {
    for (const argv of [['--etcd-servers', 'localhost:2379'], ['--etcd-prefix', 'registry'], ['--v', '-1'], ['extra-arg']]) {
      assert.throws(() => parseOptions(argv), OptionsError, argv.join(' '));
    }
  });

  it('validates --runtime-config against what is served', () => {
    assert.deepEqual(parseOptions(['--runtime-config', 'apps/v1=false,api/all=true']).runtimeConfig, ['apps/v1=false', 'api/all=true']);
    assert.throws(() => parseOptions(['--runtime-config', 'apps/v1=maybe']), /--runtime-config: invalid value "maybe"/);
    assert.throws(() => parseOptions(['--runtime-config', 'nope.io/v1=false']), /--runtime-config: unknown group-version or resource: nope\.io\/v1/);
  });
});

describe('parseOptions: SNI and proxy client certificates', () => {
  const readable = new URL(import.meta.url).pathname;

  it('parses repeated --tls-sni-cert-key with and without names, in order', () => {
    const o = parseOptions(['--tls-sni-cert-key', `${readable},${readable}:a.test,*.b.test`, '--tls-sni-cert-key', `${readable},${readable}`]);
    assert.deepEqual(o.tlsSNICertKeys, [
      { certFile: readable, keyFile: readable, names: ['a.test', '*.b.test'] },
      { certFile: readable, keyFile: readable, names: [] },
    ]);
    assert.deepEqual(parseOptions([]).tlsSNICertKeys, []);
  });

  it('refuses a malformed or unreadable --tls-sni-cert-key with the value in the message', () => {
    assert.throws(() => parseOptions(['--tls-sni-cert-key', 'only-one-file']), /--tls-sni-cert-key "only-one-file": expected "cert,key"/);
    assert.throws(() => parseOptions(['--tls-sni-cert-key', `${readable},/nonexistent.key`]), /--tls-sni-cert-key: cannot read "\/nonexistent.key": ENOENT/);
  });

  it('routes APIService requests to endpoints unless --enable-aggregator-routing=false', () => {
    assert.equal(parseOptions([]).enableAggregatorRouting, true);
    assert.equal(parseOptions(['--enable-aggregator-routing=false']).enableAggregatorRouting, false);
    assert.equal(parseOptions(['--enable-aggregator-routing', 'true']).enableAggregatorRouting, true);
    assert.throws(() => parseOptions(['--enable-aggregator-routing=maybe']), (err: unknown) => err instanceof OptionsError && /--enable-aggregator-routing must be true or false/.test(err.message));
  });

  it('takes the proxy client certificate and key together only', () => {
    const o = parseOptions(['--proxy-client-cert-file', readable, '--proxy-client-key-file', readable]);
    assert.equal(o.proxyClientCertFile, readable);
    assert.equal(o.proxyClientKeyFile, readable);
    assert.throws(() => parseOptions(['--proxy-client-cert-file', readable]), /--proxy-client-cert-file and --proxy-client-key-file must be given together/);
  });
});

describe('proxyClientCertFiles', () => {
  const pki = { proxyClientCert: '/pki/front-proxy-client.crt', proxyClientKey: '/pki/front-proxy-client.key' };

  it('uses the flags when given, else the generated pair while the requestheader CA is the generated one', () => {
    const readable = new URL(import.meta.url).pathname;
    assert.deepEqual(proxyClientCertFiles(parseOptions(['--proxy-client-cert-file', readable, '--proxy-client-key-file', readable]), pki), { cert: readable, key: readable });
    assert.deepEqual(proxyClientCertFiles(parseOptions([]), pki), { cert: pki.proxyClientCert, key: pki.proxyClientKey });
    assert.equal(proxyClientCertFiles(parseOptions(['--requestheader-client-ca-file', readable]), pki), undefined);
  });
});
