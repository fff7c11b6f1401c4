import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../../../apis/rbac/v1/types.js';
import { RBAC_GROUP } from '../../../apis/rbac/v1/types.js';
import { Informer } from '../../../controller/informer.js';
import { NAMESPACE_INDEX } from '../../../controller/indexer.js';
import type { Logger } from '../../../observability/logger.js';
import type { Storage } from '../../../storage/interfaces.js';
import type { RBACLister } from './rule-resolver.js';

/** The storage prefix of an RBAC resource, as the master's Store keys it. */
export const rbacPrefix = (resource: 'roles' | 'rolebindings' | 'clusterroles' | 'clusterrolebindings'): string => `/${RBAC_GROUP}/${resource}`;

/**
 * The four RBAC resources, each listed and watched from storage into a local
 * cache (kube's RBAC listers over shared informers): the authorizer reads
 * only these caches, so a decision costs no storage round trip and a new
 * binding counts as soon as its watch event arrives.
 */
export class RBACInformers implements RBACLister {
  readonly roles: Informer<Role>;
  readonly roleBindings: Informer<RoleBinding>;
  readonly clusterRoles: Informer<ClusterRole>;
  readonly clusterRoleBindings: Informer<ClusterRoleBinding>;

  constructor(opts: { storage: Storage; logger?: Logger }) {
    const make = <T extends Role | RoleBinding>(resource: Parameters<typeof rbacPrefix>[0]) =>
      new Informer<T>({ storage: opts.storage, prefix: rbacPrefix(resource), logger: opts.logger });
    this.roles = make<Role>('roles');
    this.roleBindings = make<RoleBinding>('rolebindings');
    this.clusterRoles = make<ClusterRole>('clusterroles');
    this.clusterRoleBindings = make<ClusterRoleBinding>('clusterrolebindings');
  }

  private all() {
    return [this.roles, this.roleBindings, this.clusterRoles, this.clusterRoleBindings] as const;
  }

  /** Lists and watches until the signal aborts. */
  run(signal: AbortSignal): Promise<void> {
    return Promise.all(this.all().map((i) => i.run(signal))).then(() => undefined);
  }

  waitForSync(signal?: AbortSignal): Promise<void> {
    return Promise.all(this.all().map((i) => i.waitForSync(signal))).then(() => undefined);
  }

  hasSynced(): boolean {
    return this.all().every((i) => i.hasSynced());
  }

  getRole(namespace: string, name: string): Role | undefined {
    return this.roles.indexer.get(`${namespace}/${name}`);
  }

  listRoleBindings(namespace: string): readonly RoleBinding[] {
    return this.roleBindings.indexer.byIndex(NAMESPACE_INDEX, namespace);
  }

  getClusterRole(name: string): ClusterRole | undefined {
    return this.clusterRoles.indexer.get(name);
  }

  listClusterRoleBindings(): readonly ClusterRoleBinding[] {
    return this.clusterRoleBindings.indexer.list();
  }
}
