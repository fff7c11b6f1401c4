/** `kubectl get` columns of the RBAC kinds, as kube's printers (or its default table) give them. */
import type { KubeObject } from '../../../registry/object.js';
import type { TableColumn } from '../../../registry/strategy.js';
import { ageColumn, CREATION_TIMESTAMP_DESCRIPTION } from '../../shared/age.js';
import { isRecord, listOf, type RoleBinding, type Subject } from './types.js';

/** Go's time.RFC3339 of a UTC time: whole seconds, "Z". */
function rfc3339(timestamp: string | null | undefined): string {
  const t = timestamp ? Date.parse(timestamp) : Number.NaN;
  if (Number.isNaN(t)) return '0001-01-01T00:00:00Z';
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Roles and ClusterRoles have no printer in kube, so they get the default
 * table: NAME and "Created At", a date.
 */
export function createdAtColumn<T extends KubeObject>(): TableColumn<T> {
  return {
    name: 'Created At',
    type: 'date',
    description: CREATION_TIMESTAMP_DESCRIPTION,
    priority: 0,
    cell: (obj) => rfc3339(obj.metadata?.creationTimestamp),
  };
}

/** kube's rbac.SubjectsStrings: users, groups and "namespace/name" service accounts. */
export function subjectsStrings(subjects: unknown): { users: string[]; groups: string[]; serviceAccounts: string[] } {
  const out = { users: [] as string[], groups: [] as string[], serviceAccounts: [] as string[] };
  for (const s of listOf<Subject>(subjects)) {
    if (!isRecord(s)) continue;
    const name = String(s.name ?? '');
    if (s.kind === 'ServiceAccount') out.serviceAccounts.push(`${String(s.namespace ?? '')}/${name}`);
    else if (s.kind === 'User') out.users.push(name);
    else if (s.kind === 'Group') out.groups.push(name);
  }
  return out;
}

/** ROLE, AGE, and with -o wide USERS, GROUPS, SERVICEACCOUNTS; `what` names the kind in the descriptions. */
export function bindingColumns(what: 'roleBinding' | 'clusterRoleBinding', roleRefDescription: string): TableColumn<RoleBinding>[] {
  const list = (pick: (s: ReturnType<typeof subjectsStrings>) => string[]) => (b: RoleBinding) => pick(subjectsStrings(b.subjects)).join(', ');
  return [
    {
      name: 'Role',
      type: 'string',
      description: roleRefDescription,
      priority: 0,
      cell: (b) => {
        const ref = isRecord(b.roleRef) ? b.roleRef : {};
        return `${String(ref.kind ?? '')}/${String(ref.name ?? '')}`;
      },
    },
    ageColumn<RoleBinding>(),
    { name: 'Users', type: 'string', description: `Users in the ${what}`, priority: 1, cell: list((s) => s.users) },
    { name: 'Groups', type: 'string', description: `Groups in the ${what}`, priority: 1, cell: list((s) => s.groups) },
    { name: 'ServiceAccounts', type: 'string', description: `ServiceAccounts in the ${what}`, priority: 1, cell: list((s) => s.serviceAccounts) },
  ];
}
