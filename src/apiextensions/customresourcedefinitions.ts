import { nameIsDNSSubdomain } from '../apimachinery/validation/names.js';
import type { KubeObject } from '../registry/object.js';
import type { ResourceDefinition } from '../registry/resource-definition.js';
import type { Strategy } from '../registry/strategy.js';
import { defaultCustomResourceDefinition } from './customresourcedefinition/defaults.js';
import type { CustomResourceDefinition } from './customresourcedefinition/types.js';
import { addCleanupFinalizer, crdPendingDeletion } from './controllers/cleanup-finalizer.js';
import { customResourceDefinitionSchema } from './customresourcedefinition-schema.js';
import {
  validateCustomResourceDefinition,
  validateCustomResourceDefinitionStatusUpdate,
  validateCustomResourceDefinitionUpdate,
} from './customresourcedefinition/validation.js';

export const APIEXTENSIONS_GROUP = 'apiextensions.k8s.io';

const asCRD = (obj: KubeObject): CustomResourceDefinition => obj as unknown as CustomResourceDefinition;

/** Writes the defaulted CRD's spec and status back into the object the Store holds. */
function applyDefaults(obj: KubeObject): void {
  const d = defaultCustomResourceDefinition(asCRD(obj));
  obj.spec = d.spec;
  if (d.status !== undefined) obj.status = d.status;
}

/** The storage version's name, if the CRD names exactly one. */
const storageVersion = (crd: CustomResourceDefinition): string | undefined => crd.spec?.versions?.find((v) => v.storage)?.name;

/**
 * kube's customresourcedefinition strategy: status starts empty but for the
 * storage version in storedVersions; an update keeps status and adds a new
 * storage version to storedVersions (the server never removes one: objects
 * may still be stored in it).
 */
const strategy: Strategy = {
  defaults: applyDefaults,
  prepareForCreate(obj) {
    const v = storageVersion(asCRD(obj));
    obj.status = { conditions: [], acceptedNames: { plural: '', kind: '' }, storedVersions: v ? [v] : [] };
  },
  prepareForUpdate(obj) {
    const crd = asCRD(obj);
    const v = storageVersion(crd);
    const stored = crd.status?.storedVersions ?? [];
    if (v && !stored.includes(v)) obj.status = { ...crd.status, storedVersions: [...stored, v] };
  },
  validate: (obj) => validateCustomResourceDefinition(asCRD(obj)),
  validateUpdate: (obj, old) => validateCustomResourceDefinitionUpdate(asCRD(obj), asCRD(old)),
};

/** /status: conditions, acceptedNames and storedVersions move; the spec stays (the Store keeps it). */
const statusStrategy: Strategy = {
  validateUpdate: (obj, old) => validateCustomResourceDefinitionStatusUpdate(asCRD(obj), asCRD(old)),
};

/** apiextensions.k8s.io/v1 customresourcedefinitions, as kube's registry serves it. */
export const customResourceDefinitions: ResourceDefinition = {
  info: {
    group: APIEXTENSIONS_GROUP,
    version: 'v1',
    resource: 'customresourcedefinitions',
    singularName: 'customresourcedefinition',
    kind: 'CustomResourceDefinition',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
  },
  nameValidator: nameIsDNSSubdomain,
  strategy,
  generation: 'spec',
  status: { strategy: statusStrategy },
  // kube's CRD REST Delete: the first delete marks the CRD and adds the cleanup finalizer; the CRD
  // controller deletes its custom resources, then removes the finalizer and the CRD goes.
  pendingDeletion: crdPendingDeletion,
  onMarkDeleting: addCleanupFinalizer,
  schema: customResourceDefinitionSchema,
  tableColumns: [
    {
      name: 'Created At',
      type: 'date',
      description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
      priority: 0,
      cell: (obj) => obj.metadata?.creationTimestamp ?? null,
    },
  ],
};
