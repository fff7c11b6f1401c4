/**
 * The cost of authentication and authorization on a GET: two frontdoor
 * servers (SQLite, fresh data dirs), one with --authorization-mode
 * AlwaysAllow and one with the default RBAC holding 1,000 Roles and 1,000
 * RoleBindings (plus ClusterRoles and ClusterRoleBindings) for other
 * subjects, both with a --token-auth-file user outside system:masters. Each
 * GETs one ConfigMap with the bearer token and with the admin client
 * certificate (system:masters, which RBAC short-circuits), beside a bare Node
 * https server sending the same bytes; RBAC also answers a denied GET (403).
 */
import type https from 'node:https';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Attributes } from '../src/auth/authorizer/authorizer.js';
import { RBACAuthorizer } from '../src/auth/authorizer/rbac/rbac-authorizer.js';
import { rbacPrefix, RBACInformers } from '../src/auth/authorizer/rbac/rbac-informers.js';
import type { StoredObject } from '../src/storage/interfaces.js';
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.js';
import { adminTLS, agentFor, call, cpuSeconds, expect, pool, startBareJsonServer, startServer, stopProcess, untilReady, warm, type Server, type TLS } from './measure.js';
import { fmt, median, percentile, printTable } from './table.js';

const GET_OPS = Number(process.env.BENCH_AUTHZ_GET_OPS ?? 2000);
const ROUNDS = 5;
const CONCURRENCIES = [1, 64];
const ROLES = Number(process.env.BENCH_AUTHZ_ROLES ?? 1000);
const CLUSTER_ROLES = Number(process.env.BENCH_AUTHZ_CLUSTER_ROLES ?? 100);
const NAMESPACES = 10;
const NS = 'authz-0';
/** Holds its share of the other bindings but none for the bench user: the 403 path. */
const DENIED_NS = 'authz-1';
const CM_NAME = 'probe';
const TOKEN = 'authz-bench-token';
const USER = 'authz-bench-user';
const BEARER = { Authorization: `Bearer ${TOKEN}` };
const RBAC_API = '/apis/rbac.authorization.k8s.io/v1';
const cmPath = (ns: string) => `/api/v1/namespaces/${ns}/configmaps/${CM_NAME}`;

// ------------------------------------------------------------------ objects

const namespace = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

const configMap = () => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: CM_NAME }, data: { payload: 'x'.repeat(800) } });

/** The i-th other subject: users, groups and service accounts in turn, none of them the bench user. */
function otherSubject(i: number, ns: string) {
  switch (i % 3) {
    case 0:
      return { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: `user-${i}` };
    case 1:
      return { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: `group-${i}` };
    default:
      return { kind: 'ServiceAccount', name: `sa-${i}`, namespace: ns };
  }
}

/** Rules of the kind people write: several verbs and resources, some limited to names. */
const otherRules = (i: number) => [
  { apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: ['get', 'list', 'watch'], resourceNames: [`app-${i}`] },
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: ['get', 'list', 'watch', 'update', 'patch'] },
  { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list'] },
];

const role = (ns: string, name: string, rules: object[]) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace: ns }, rules });

const roleBinding = (ns: string, name: string, roleName: string, subject: object) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name, namespace: ns },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
  subjects: [subject],
});

const clusterRole = (name: string, rules: object[]) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules });

const clusterRoleBinding = (name: string, roleName: string, subject: object) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
  subjects: [subject],
});

const benchUser = { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: USER };

// ------------------------------------------------------------------ set-up

interface Target {
  server: Server;
  tls: TLS;
}

async function startTarget(dataDir: string, args: string[]): Promise<Target> {
  const server = await startServer(dataDir, args);
  const tls = await adminTLS(dataDir);
  const agent = agentFor(tls, 1);
  try {
    await untilReady(agent, server.port);
  } catch (err) {
    await stopProcess(server.proc);
    throw err;
  } finally {
    agent.destroy();
  }
  return { server, tls };
}

const post = (admin: https.Agent, port: number, path: string, obj: object) => expect(201, admin, port, 'POST', path, JSON.stringify(obj));

/** The namespaces and the measured ConfigMap, the same on both servers. */
async function createNamespaces(admin: https.Agent, port: number): Promise<void> {
  for (let n = 0; n < NAMESPACES; n++) await post(admin, port, '/api/v1/namespaces', namespace(`authz-${n}`));
  await post(admin, port, `/api/v1/namespaces/${NS}/configmaps`, configMap());
  await post(admin, port, `/api/v1/namespaces/${DENIED_NS}/configmaps`, configMap());
}

/**
 * The RBAC population: CLUSTER_ROLES ClusterRoles and bindings, ROLES Roles
 * and RoleBindings spread over the namespaces, all to other subjects; then
 * the bench user's grants, each created after everything of its kind so that
 * once a grant works its informer has all the objects before it.
 */
async function populateRbac(admin: https.Agent, port: number): Promise<void> {
  await pool(CLUSTER_ROLES, 64, (i) => post(admin, port, `${RBAC_API}/clusterroles`, clusterRole(`authz-bench-${i}`, otherRules(i))));
  await pool(ROLES, 64, (i) => {
    const ns = `authz-${i % NAMESPACES}`;
    return post(admin, port, `${RBAC_API}/namespaces/${ns}/roles`, role(ns, `role-${i}`, otherRules(i)));
  });
  await pool(CLUSTER_ROLES, 64, (i) => post(admin, port, `${RBAC_API}/clusterrolebindings`, clusterRoleBinding(`authz-bench-${i}`, `authz-bench-${i}`, otherSubject(i, NS))));
  await pool(ROLES, 64, (i) => {
    const ns = `authz-${i % NAMESPACES}`;
    return post(admin, port, `${RBAC_API}/namespaces/${ns}/rolebindings`, roleBinding(ns, `binding-${i}`, `role-${i}`, otherSubject(i, ns)));
  });
  // The user's own grants come last: get on namespaces cluster-wide, get on configmaps in NS.
  await post(admin, port, `${RBAC_API}/clusterroles`, clusterRole('authz-bench-user', [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get'] }]));
  await post(admin, port, `${RBAC_API}/clusterrolebindings`, clusterRoleBinding('authz-bench-user', 'authz-bench-user', benchUser));
  await post(admin, port, `${RBAC_API}/namespaces/${NS}/roles`, role(NS, 'authz-bench-reader', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]));
  await post(admin, port, `${RBAC_API}/namespaces/${NS}/rolebindings`, roleBinding(NS, 'authz-bench-reader', 'authz-bench-reader', benchUser));
}

/** The RBAC cache follows storage by watch: poll (bounded) until the bench user's GET answers `want`. */
async function untilStatus(agent: https.Agent, port: number, path: string, want: number): Promise<void> {
  let last = 0;
  for (let i = 0; i < 3000; i++) {
    last = (await call(agent, port, 'GET', path, undefined, BEARER)).status;
    if (last === want) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`GET ${path} as ${USER} still answers ${last}, wanted ${want}`);
}

// ------------------------------------------------------------------ measuring

interface Case {
  name: string;
  mode: 'AlwaysAllow' | 'RBAC' | 'bare https';
  client: 'token' | 'admin cert';
  port: number;
  /** The serving process, whose CPU time each round reads. */
  pid: number;
  tls: TLS;
  path: string;
  status: number;
}

interface Sample {
  seconds: number[];
  latenciesMs: number[];
  /** The server's CPU seconds (user + system) over all rounds. */
  cpuS: number;
}

/** One round: GET_OPS requests at concurrency c, each timed. */
async function round(agent: https.Agent, k: Case, c: number, into: Sample): Promise<void> {
  const headers = k.client === 'token' ? BEARER : undefined;
  const cpu0 = await cpuSeconds(k.pid);
  into.seconds.push(
    await pool(GET_OPS, c, async () => {
      const t0 = process.hrtime.bigint();
      await expect(k.status, agent, k.port, 'GET', k.path, undefined, headers);
      into.latenciesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }),
  );
  into.cpuS += (await cpuSeconds(k.pid)) - cpu0;
}

interface Result {
  rate: number;
  p50: number;
  p99: number;
  /** Server CPU microseconds per request. */
  cpuUs: number;
}

/** Every case at concurrency c, in alternating rounds (the machine's other load drifts over seconds); median rate per case, CPU summed. */
async function measure(cases: Case[], c: number): Promise<Map<Case, Result>> {
  const agents = new Map(cases.map((k) => [k, agentFor(k.client === 'token' ? { ca: k.tls.ca } : k.tls, c)]));
  const samples = new Map<Case, Sample>(cases.map((k) => [k, { seconds: [], latenciesMs: [], cpuS: 0 }]));
  try {
    for (const k of cases) await warm(agents.get(k)!, k.port, c, k.path, k.client === 'token' ? BEARER : undefined);
    // Every other round runs the cases backwards, so that no case always follows the same one.
    for (let r = 0; r < ROUNDS; r++) for (const k of r % 2 ? [...cases].reverse() : cases) await round(agents.get(k)!, k, c, samples.get(k)!);
  } finally {
    for (const a of agents.values()) a.destroy();
  }
  return new Map(
    cases.map((k) => {
      const s = samples.get(k)!;
      return [k, { rate: GET_OPS / median(s.seconds), p50: percentile(s.latenciesMs, 50), p99: percentile(s.latenciesMs, 99), cpuUs: (1e6 * s.cpuS) / (ROUNDS * GET_OPS) }];
    }),
  );
}

// ------------------------------------------------------------------ one decision, in this process

const DECISIONS = Number(process.env.BENCH_AUTHZ_DECISIONS ?? 20_000);
type RbacResource = Parameters<typeof rbacPrefix>[0];
const RBAC_RESOURCES: RbacResource[] = ['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings'];

/**
 * The RBAC server's own roles and bindings (bootstrap ones included), listed
 * over HTTPS and written into a SQLite file here, read by the server's
 * RBACInformers and RBACAuthorizer: what one decision costs, without the rest
 * of the request. Returns microseconds per decision for the allowed and the
 * denied GET.
 */
async function decisionCost(admin: https.Agent, port: number, dbPath: string): Promise<{ allowed: number; denied: number; objects: number }> {
  const storage = SqliteStorage.open({ path: dbPath, compactionIntervalMs: 0 });
  const stop = new AbortController();
  let objects = 0;
  try {
    for (const resource of RBAC_RESOURCES) {
      const list = JSON.parse((await expect(200, admin, port, 'GET', `${RBAC_API}/${resource}`)).body.toString()) as { items: StoredObject[] };
      for (const item of list.items) {
        const { resourceVersion: _rv, ...metadata } = item.metadata ?? {};
        const ns = typeof metadata.namespace === 'string' ? `${metadata.namespace}/` : '';
        await storage.create(`${rbacPrefix(resource)}/${ns}${String(metadata.name)}`, { ...item, metadata });
        objects++;
      }
    }
    const informers = new RBACInformers({ storage });
    const running = informers.run(stop.signal);
    await informers.waitForSync(stop.signal);
    const authorizer = new RBACAuthorizer(informers);
    // The attributes the authorization filter builds for the bench user's GET.
    const attrs = (namespace: string): Attributes => ({
      user: { name: USER, uid: 'authz-bench-uid', groups: ['authz-bench-group', 'system:authenticated'] },
      verb: 'get',
      isResourceRequest: true,
      path: cmPath(namespace),
      namespace,
      apiGroup: '',
      apiVersion: 'v1',
      resource: 'configmaps',
      subresource: '',
      name: CM_NAME,
    });
    const perDecision = async (a: Attributes, want: string) => {
      const first = await authorizer.authorize(a);
      if (first.decision !== want) throw new Error(`in-process RBAC: ${first.decision} for ${a.namespace}, wanted ${want}`);
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < DECISIONS; i++) await authorizer.authorize(a);
      return Number(process.hrtime.bigint() - t0) / 1e3 / DECISIONS;
    };
    const allowed = await perDecision(attrs(NS), 'Allow');
    const denied = await perDecision(attrs(DENIED_NS), 'NoOpinion');
    stop.abort();
    await running;
    return { allowed, denied, objects };
  } finally {
    stop.abort();
    await storage.close();
  }
}

// ------------------------------------------------------------------ the benchmark

export async function benchAuthz(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'frontdoor-bench-authz-'));
  const allowDir = join(work, 'always-allow');
  const rbacDir = join(work, 'rbac');
  const tokenFile = join(work, 'tokens.csv');
  // Not in system:masters, so RBAC decides; kube adds system:authenticated.
  await writeFile(tokenFile, `${TOKEN},${USER},authz-bench-uid,"authz-bench-group"\n`);
  const started: Server[] = [];
  try {
    // Both start at once; whichever started is stopped even when the other failed.
    const starts = await Promise.allSettled([
      startTarget(allowDir, ['--authorization-mode', 'AlwaysAllow', '--token-auth-file', tokenFile]),
      startTarget(rbacDir, ['--token-auth-file', tokenFile]),
    ]);
    for (const s of starts) if (s.status === 'fulfilled') started.push(s.value.server);
    const [allow, rbac] = starts.map((s) => {
      if (s.status === 'rejected') throw s.reason;
      return s.value;
    }) as [Target, Target];

    const allowAdmin = agentFor(allow.tls, 64);
    const rbacAdmin = agentFor(rbac.tls, 64);
    await createNamespaces(allowAdmin, allow.server.port);
    await createNamespaces(rbacAdmin, rbac.server.port);
    const t0 = process.hrtime.bigint();
    await populateRbac(rbacAdmin, rbac.server.port);
    const populateS = Number(process.hrtime.bigint() - t0) / 1e9;
    const decision = await decisionCost(rbacAdmin, rbac.server.port, join(work, 'decisions.db'));
    allowAdmin.destroy();
    rbacAdmin.destroy();

    const probe = agentFor({ ca: rbac.tls.ca }, 1);
    await untilStatus(probe, rbac.server.port, `/api/v1/namespaces/${NS}`, 200);
    await untilStatus(probe, rbac.server.port, cmPath(NS), 200);
    await untilStatus(probe, rbac.server.port, cmPath(DENIED_NS), 403);
    const body = (await expect(200, probe, rbac.server.port, 'GET', cmPath(NS), undefined, BEARER)).body;
    probe.destroy();
    const bodyFile = join(work, 'get-body.json');
    await writeFile(bodyFile, body);
    // The limit: the same bytes, the same TLS settings (RBAC server's PKI), the same token client.
    const bare = await startBareJsonServer(join(rbacDir, 'pki'), bodyFile);
    started.push(bare);

    const aa = (client: Case['client']): Case => ({ name: `AlwaysAllow, ${client}`, mode: 'AlwaysAllow', client, port: allow.server.port, pid: allow.server.pid, tls: allow.tls, path: cmPath(NS), status: 200 });
    const rb = (client: Case['client']): Case => ({ name: `RBAC, ${client}`, mode: 'RBAC', client, port: rbac.server.port, pid: rbac.server.pid, tls: rbac.tls, path: cmPath(NS), status: 200 });
    const limit: Case = { name: 'bare https (same bytes)', mode: 'bare https', client: 'token', port: bare.port, pid: bare.pid, tls: rbac.tls, path: cmPath(NS), status: 200 };
    const aaToken = aa('token');
    const aaCert = aa('admin cert');
    const rbToken = rb('token');
    const rbCert = rb('admin cert');
    const denied: Case = { ...rbToken, name: 'RBAC, token, denied (403)', path: cmPath(DENIED_NS), status: 403 };
    const cases = [limit, aaToken, rbToken, aaCert, rbCert, denied];
    // What each RBAC row is divided by in the RBAC/AlwaysAllow column.
    const baseline = new Map<Case, Case>([
      [rbToken, aaToken],
      [rbCert, aaCert],
      [denied, aaToken],
    ]);

    let cAllowRate1 = NaN;
    const rows: (string | number)[][] = [];
    const summary: (string | number)[][] = [];
    for (const c of CONCURRENCIES) {
      const results = await measure(cases, c);
      const lim = results.get(limit)!.rate;
      if (c === 1) cAllowRate1 = results.get(aaToken)!.rate;
      for (const k of cases) {
        const r = results.get(k)!;
        const base = baseline.get(k);
        const b = base && results.get(base)!;
        rows.push([k.name, c, fmt(r.rate), fmt(r.p50, 2), fmt(r.p99, 2), fmt(r.rate / lim, 2), b ? fmt(r.rate / b.rate, 2) : '-', fmt(r.cpuUs, 0), b ? fmt(b.cpuUs / r.cpuUs, 2) : '-']);
      }
      const [t, rt, ac] = [results.get(aaToken)!, results.get(rbToken)!, results.get(aaCert)!];
      summary.push([`c=${c}`, fmt(rt.rate / t.rate, 2), fmt(t.cpuUs / rt.cpuUs, 2), fmt(t.rate / ac.rate, 2), fmt(ac.cpuUs / t.cpuUs, 2)]);
    }

    printTable(
      `GET of one ConfigMap (${body.length} B) by a token-file user with RBAC (${ROLES} Roles + ${ROLES} RoleBindings over ${NAMESPACES} namespaces, ${CLUSTER_ROLES} ClusterRoles + ClusterRoleBindings, all to other subjects; ${ROLES / NAMESPACES} bindings in the measured namespace; created in ${fmt(populateS)} s) vs AlwaysAllow, and with the admin client cert (system:masters); keep-alive, one socket per concurrent caller; median rate of ${ROUNDS} alternating rounds x ${GET_OPS} GETs, p50/p99 over all of them; x bare: rate / bare https rate; RBAC/AA: rate / AlwaysAllow rate with the same client (the denied row: / AlwaysAllow token); server CPU: the serving process's user + system time over all rounds / requests; RBAC/AA by CPU: AlwaysAllow CPU per request / RBAC's (what the rates would be if the server were alone on its core)`,
      ['case', 'c', 'req/s', 'p50 ms', 'p99 ms', 'x bare', 'RBAC/AA', 'server CPU us/req', 'RBAC/AA by CPU'],
      rows,
    );
    printTable('Authorization and authentication cost', ['concurrency', 'RBAC/AA rate (token)', 'RBAC/AA by CPU', 'token/cert rate (AlwaysAllow)', 'token/cert by CPU'], summary);
    // A request's wall time at c=1 is 1 / rate: the decision's share of it, without the rest of the server's work.
    const requestUs = 1e6 / cAllowRate1;
    printTable(
      `One RBAC decision in this process (RBACInformers + RBACAuthorizer over the RBAC server's ${decision.objects} roles and bindings, bootstrap ones included; mean of ${DECISIONS}); share: of one AlwaysAllow token GET at c=1 (${fmt(requestUs)} us)`,
      ['decision', 'us', 'share'],
      [
        ['allowed (get configmaps in the measured namespace)', fmt(decision.allowed, 2), `${fmt((100 * decision.allowed) / requestUs)} %`],
        ['denied (no binding for the user in the namespace)', fmt(decision.denied, 2), `${fmt((100 * decision.denied) / requestUs)} %`],
      ],
    );
  } finally {
    for (const s of started.reverse()) await stopProcess(s.proc);
    await rm(work, { recursive: true, force: true });
  }
}
