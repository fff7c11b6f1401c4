import type { Request, Response } from 'express';
import { newBadRequest, newConflict } from '../../apimachinery/status-error.js';
import { newInvalid } from '../../apimachinery/invalid.js';
import { required } from '../../apimachinery/validation/field-error.js';
import { decodeObjectBody } from '../request-body.js';
import { writeObject } from '../responsewriters/object.js';
import { writeOptions } from '../query.js';
import { infoOf, renderingFor, requesterOf, type ResourceContext } from './context.js';

interface Binding {
  metadata?: { name?: string; uid?: string; resourceVersion?: string; annotations?: Record<string, string> };
  target?: { kind?: string; name?: string };
}

/**
 * POST pods/<name>/binding (kube's BindingREST): assigns the pod to a node by
 * setting spec.nodeName, once; a second binding is a conflict.
 */
export async function handleCreateBinding(ctx: ResourceContext, req: Request, res: Response): Promise<void> {
  const info = infoOf(req);
  const rendering = renderingFor(req, false);
  let dryRun = false;
  const binding = (await decodeObjectBody(req, { kind: 'Binding', afterRead: () => ({ dryRun } = writeOptions(req, 'CreateOptions')) })) as Binding;
  if (binding.metadata?.name && binding.metadata.name !== info.name) {
    throw newBadRequest(`name in URL does not match name in Binding object`);
  }
  const node = binding.target?.name;
  if (!node) throw newInvalid({ group: '', kind: 'Binding' }, info.name, [required('target.name')]);
  if (binding.target?.kind && binding.target.kind !== 'Node') {
    throw newBadRequest(`binding target must be a Node, not ${binding.target.kind}`);
  }
  await ctx.store.update(
    info.namespace,
    info.name,
    (current) => {
      const pod = structuredClone(current!);
      const spec = (pod.spec ?? {}) as { nodeName?: string };
      if (binding.metadata?.uid && binding.metadata.uid !== pod.metadata?.uid) {
        throw newConflict({ group: '', resource: 'pods' }, info.name, 'Precondition failed: UID in precondition does not match');
      }
      if (spec.nodeName) throw newConflict({ group: '', resource: 'pods/binding' }, info.name, `pod ${info.name} is already assigned to node "${spec.nodeName}"`);
      spec.nodeName = node;
      pod.spec = spec;
      if (binding.metadata?.annotations) pod.metadata = { ...pod.metadata, annotations: { ...pod.metadata?.annotations, ...binding.metadata.annotations } };
      return pod;
    },
    // The pod's own update rules forbid spec changes; binding is the one way nodeName is set.
    { dryRun, subresource: 'binding', strategy: {}, requester: requesterOf(req) },
  );
  writeObject(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }, { format: rendering.format });
}

export const bindingHandlers = { create: handleCreateBinding };
