import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { decodeProtobuf } from '../../../src/endpoints/protobuf/codec.js';
import { kubectlPath } from '../../helpers/kubectl.js';
import { captureKubectlWrites } from './kubectl-capture.js';

/**
 * Live: what kubectl 1.32 sends as protobuf for each `create` generator decodes to
 * the JSON kubectl itself prints for the same object (`--dry-run=client -o json`),
 * less its nulls: `creationTimestamp: null` (the zero time) and nil lists without omitempty
 * (`rules: null`), which protobuf cannot tell from absent and we leave out.
 */

const GENERATORS: string[][] = [
  ['create', 'configmap', 'cm', '--from-literal=a=b', '--from-literal=empty='],
  ['create', 'secret', 'generic', 's', '--from-literal=a=b', '--type=example.com/x'],
  ['create', 'secret', 'docker-registry', 'reg', '--docker-server=r.example.com', '--docker-username=u', '--docker-password=p'],
  ['create', 'namespace', 'ns'],
  ['create', 'deployment', 'web', '--image=nginx', '--replicas=0', '--port=8080'],
  ['create', 'service', 'nodeport', 'np', '--tcp=80:http', '--node-port=30080'],
  ['create', 'service', 'externalname', 'ext', '--external-name=example.com'],
  ['create', 'serviceaccount', 'sa'],
  ['create', 'quota', 'q', '--hard=cpu=1,memory=1Gi,pods=2', '--scopes=BestEffort'],
  ['create', 'role', 'r', '--verb=get,list', '--resource=pods,deployments.apps', '--resource-name=x'],
  ['create', 'clusterrole', 'cr', '--verb=get', '--non-resource-url=/healthz'],
  ['create', 'clusterrole', 'agg', '--aggregation-rule=rbac.example.com/aggregate=true'],
  ['create', 'rolebinding', 'rb', '--role=r', '--user=u', '--serviceaccount=default:sa', '--group=g'],
  ['create', 'clusterrolebinding', 'crb', '--clusterrole=cr', '--user=u'],
  ['create', 'job', 'report', '--image=busybox', '--', 'date', '--utc'],
  ['create', 'cronjob', 'nightly', '--image=busybox', '--schedule=*/5 * * * *', '--restart=Never', '--', 'date'],
  ['create', 'priorityclass', 'high', '--value=1000', '--global-default', '--description=high priority', '--preemption-policy=Never'],
  ['create', 'poddisruptionbudget', 'pdb', '--selector=app=web', '--max-unavailable=1'],
  ['create', 'ingress', 'shop', '--class=nginx', '--rule=shop.example.com/*=web:http,tls=shop-tls', '--rule=/api=api:8080', '--default-backend=fallback:80', '--annotation=a=b'],
];

const withoutNulls = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([, x]) => x !== null)
      .map(([k, x]) => [k, withoutNulls(x)]),
  );
};

const haveKubectl = (() => {
  try {
    return existsSync(kubectlPath());
  } catch {
    return false;
  }
})();

test('kubectl 1.32 create generators: protobuf body decodes to the JSON kubectl prints', { skip: !haveKubectl && 'kubectl.1.32 is not installed' }, async () => {
  // The dry-run flags go right after `create`: anything after a `--` is the container's command.
  const commands = GENERATORS.flatMap((args) => [args, [args[0]!, '--dry-run=client', '-o', 'json', ...args.slice(1)]]);
  const runs = await captureKubectlWrites(commands);
  for (let i = 0; i < GENERATORS.length; i++) {
    const label = `kubectl ${GENERATORS[i]!.join(' ')}`;
    const [run, dryRun] = [runs[2 * i]!, runs[2 * i + 1]!];
    assert.equal(run.code, 0, `${label}: ${run.stderr}`);
    assert.equal(run.writes.length, 1, `${label}: one write`);
    assert.equal(run.writes[0]!.contentType, 'application/vnd.kubernetes.protobuf', label);
    assert.equal(dryRun.code, 0, `${label} --dry-run: ${dryRun.stderr}`);
    assert.equal(dryRun.writes.length, 0, `${label}: the client-side dry run wrote nothing`);
    const printed = withoutNulls(JSON.parse(dryRun.stdout));
    assert.deepEqual(decodeProtobuf(run.writes[0]!.body).object, printed, label);
  }
});
