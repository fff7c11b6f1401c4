import type { Request, Response } from 'express';
import { newBadRequest, newConflict, newNotFound } from '../../apimachinery/status-error.js';
import { newInvalid } from '../../apimachinery/invalid.js';
import { invalid, type FieldError } from '../../apimachinery/validation/field-error.js';
import type { BoundObjectReference, TokenRequest } from '../../apis/authentication/v1/types.js';
import { API_VERSION, timestamp } from '../../apis/authentication/v1/types.js';
import { infoOf, renderingFor, type ResourceContext } from '../../endpoints/handlers/context.js';
import { writeOptions } from '../../endpoints/query.js';
import { decodeObjectBody } from '../../endpoints/request-body.js';
import { writeObject } from '../../endpoints/responsewriters/object.js';
import type { ObjectRef } from './claims.js';
import type { ServiceAccountTokenGetter } from './getter.js';
import type { TokenGenerator } from './token-generator.js';

export interface TokenRequestOptions {
  generator: TokenGenerator;
  /** --api-audiences: what a request without spec.audiences gets. */
  apiAudiences: string[];
  getter: Pick<ServiceAccountTokenGetter, 'pod' | 'secret'>;
  now?: () => Date;
}

const DEFAULT_EXPIRATION_SECONDS = 60 * 60;
const MIN_EXPIRATION_SECONDS = 10 * 60;
const MAX_EXPIRATION_SECONDS = 2 ** 32;
const GK = { group: 'authentication.k8s.io', kind: 'TokenRequest' };

/**
 * POST serviceaccounts/<name>/token (kube's TokenREST): a signed token for the
 * service account, for the audiences asked (the server's by default), valid
 * for expirationSeconds (an hour by default, ten minutes at least), and bound
 * to a pod or secret when asked: the token dies with that object.
 */
export function tokenRequestHandlers(opts: TokenRequestOptions): { create: (ctx: ResourceContext, req: Request, res: Response) => Promise<void> } {
  const now = opts.now ?? (() => new Date());
  return {
    async create(ctx, req, res) {
      const info = infoOf(req);
      const { namespace, name } = info;
      let dryRun = false;
      const body = (await decodeObjectBody(req, { kind: 'TokenRequest', afterRead: () => ({ dryRun } = writeOptions(req, 'CreateOptions')) })) as TokenRequest;
      const meta = body.metadata ?? {};
      if (meta.name && meta.name !== name) {
        throw newInvalid(GK, name, [invalid('metadata.name', meta.name, 'must match the service account name if specified')]);
      }
      if (meta.namespace && meta.namespace !== namespace) {
        throw newInvalid(GK, name, [invalid('metadata.namespace', meta.namespace, 'must match the service account namespace if specified')]);
      }
      const sa = await ctx.store.get(namespace, name);
      const spec = {
        audiences: body.spec?.audiences?.length ? [...body.spec.audiences] : [...opts.apiAudiences],
        expirationSeconds: body.spec?.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS,
        boundObjectRef: body.spec?.boundObjectRef ?? null,
      };
      const issuedAt = now();
      const errs: FieldError[] = [];
      if (spec.expirationSeconds < MIN_EXPIRATION_SECONDS) {
        errs.push(invalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration less than 10 minutes'));
      }
      if (spec.expirationSeconds > MAX_EXPIRATION_SECONDS) {
        errs.push(invalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration larger than 2^32 seconds'));
      }
      if (errs.length > 0) throw newInvalid(GK, '', errs);

      const bound = spec.boundObjectRef ? await boundObject(spec.boundObjectRef, namespace, name, opts.getter) : {};
      const issued = opts.generator.generate({
        namespace,
        serviceAccount: { name, uid: sa.metadata?.uid ?? '' },
        ...bound,
        audiences: spec.audiences,
        expirationSeconds: spec.expirationSeconds,
      });
      const out: TokenRequest = {
        kind: 'TokenRequest',
        apiVersion: API_VERSION,
        metadata: { name, namespace, creationTimestamp: timestamp(issuedAt) },
        spec,
        // A dry run says what would be issued but issues nothing usable.
        status: { token: dryRun ? '' : issued.token, expirationTimestamp: issued.expirationTimestamp },
      };
      writeObject(res, 201, out, renderingFor(req, false));
    },
  };
}

/** The pod or secret a token is bound to, checked as kube's TokenREST checks it. */
async function boundObject(
  ref: BoundObjectReference,
  namespace: string,
  saName: string,
  getter: Pick<ServiceAccountTokenGetter, 'pod' | 'secret'>,
): Promise<{ pod?: ObjectRef; secret?: ObjectRef }> {
  const group = (ref.apiVersion ?? '').includes('/') ? ref.apiVersion!.split('/')[0]! : '';
  const kind = ref.kind ?? '';
  const refName = ref.name ?? '';
  let found: { kind: 'pod' | 'secret'; uid: string };
  if (group === '' && kind === 'Pod') {
    const pod = await getter.pod(namespace, refName);
    if (!pod) throw newNotFound({ group: '', resource: 'pods' }, refName);
    const podSA = (pod.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName ?? '';
    if (podSA !== saName) throw newBadRequest(`cannot bind token for serviceaccount ${JSON.stringify(saName)} to pod running with different serviceaccount name.`);
    found = { kind: 'pod', uid: pod.metadata?.uid ?? '' };
  } else if (group === '' && kind === 'Secret') {
    const secret = await getter.secret(namespace, refName);
    if (!secret) throw newNotFound({ group: '', resource: 'secrets' }, refName);
    found = { kind: 'secret', uid: secret.metadata?.uid ?? '' };
  } else {
    throw newBadRequest(`cannot bind token to object of type ${goGVK(ref.apiVersion ?? '', kind)}`);
  }
  if (ref.uid && ref.uid !== found.uid) {
    throw newConflict(
      { group, resource: kind },
      refName,
      `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
    );
  }
  return { [found.kind]: { name: refName, uid: found.uid } };
}

/** Go's schema.GroupVersionKind.String(): "group/version, Kind=kind". */
function goGVK(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return `${group}/${version}, Kind=${kind}`;
}
