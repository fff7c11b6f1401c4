import type { Request, Response } from 'express';
import { newBadRequest } from '../../../apimachinery/status-error.js';
import { newInvalid } from '../../../apimachinery/invalid.js';
import type { Attributes, Authorizer } from '../../../auth/authorizer/authorizer.js';
import type { RuleResolver } from '../../../auth/authorizer/rbac/rbac-authorizer.js';
import type { UserInfo } from '../../../auth/user.js';
import { infoOf, renderingFor } from '../../../endpoints/handlers/context.js';
import type { CreateOnlyResource } from '../../../endpoints/installer.js';
import type { ResourceInfo } from '../../../registry/resource-info.js';
import { writeOptions } from '../../../endpoints/query.js';
import { userFrom } from '../../../endpoints/request/context.js';
import { decodeObjectBody } from '../../../endpoints/request-body.js';
import { writeObject } from '../../../endpoints/responsewriters/object.js';
import { invalid, type FieldError } from '../../../apimachinery/validation/field-error.js';
import { AUTHORIZATION_GROUP, type AccessReview, type SelfSubjectRulesReview, type SubjectAccessReviewSpec } from './types.js';
import { validateAccessReviewAttributes, validateEmptyMetadata, validateSubjectAccessReviewSpec } from './validation.js';

export interface ReviewHandlerOptions {
  authorizer: Authorizer;
  ruleResolver: RuleResolver;
}

const API_VERSION = `${AUTHORIZATION_GROUP}/v1`;

/** kube's AuthorizationAttributesFrom: the request a review asks about, for `user`. */
function attributesFrom(user: UserInfo, spec: SubjectAccessReviewSpec): Attributes {
  const r = spec.resourceAttributes;
  if (r) {
    return {
      user,
      verb: r.verb ?? '',
      isResourceRequest: true,
      path: '',
      namespace: r.namespace ?? '',
      apiGroup: r.group ?? '',
      // kube: an empty version matches every version.
      apiVersion: r.version || '*',
      resource: r.resource ?? '',
      subresource: r.subresource ?? '',
      name: r.name ?? '',
    };
  }
  const n = spec.nonResourceAttributes ?? {};
  return { user, verb: n.verb ?? '', isResourceRequest: false, path: n.path ?? '', namespace: '', apiGroup: '', apiVersion: '', resource: '', subresource: '', name: '' };
}

const userOfSpec = (spec: SubjectAccessReviewSpec): UserInfo => ({
  name: spec.user ?? '',
  groups: Array.isArray(spec.groups) ? spec.groups : [],
  ...(spec.uid ? { uid: spec.uid } : {}),
  ...(spec.extra ? { extra: spec.extra } : {}),
});

/** Reads the body the way every create does (media types, size limit, CreateOptions in the query). */
async function readReview<T extends AccessReview | SelfSubjectRulesReview>(kind: string, req: Request): Promise<T> {
  const body = (await decodeObjectBody(req, { kind, afterRead: () => writeOptions(req, 'CreateOptions') })) as T;
  const want = API_VERSION;
  if (body.apiVersion && body.apiVersion !== want) {
    throw newBadRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${want})`);
  }
  if (body.kind && body.kind !== kind) {
    throw newBadRequest(`the kind in the data (${body.kind}) does not match the expected kind (${kind})`);
  }
  body.apiVersion = want;
  body.kind = kind;
  body.metadata ??= {};
  body.spec ??= {};
  return body;
}

function requester(req: Request): UserInfo {
  const user = userFrom(req);
  if (!user) throw newBadRequest('no user present on request');
  return user;
}

function failIfInvalid(kind: string, errs: FieldError[]): void {
  if (errs.length > 0) throw newInvalid({ group: AUTHORIZATION_GROUP, kind }, '', errs);
}

function respond(req: Request, res: Response, obj: Record<string, unknown>): void {
  // kind and apiVersion first, as kube's JSON has them.
  const { kind, apiVersion, ...rest } = obj;
  writeObject(res, 201, { kind, apiVersion, ...rest }, renderingFor(req, false));
}

async function decide(opts: ReviewHandlerOptions, review: AccessReview, attrs: Attributes): Promise<void> {
  try {
    const { decision, reason } = await opts.authorizer.authorize(attrs);
    review.status = { allowed: decision === 'Allow', ...(decision === 'Deny' ? { denied: true } : {}), ...(reason ? { reason } : {}) };
  } catch (err) {
    review.status = { allowed: false, evaluationError: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * POST handlers of the four reviews (kube's subjectaccessreview,
 * localsubjectaccessreview, selfsubjectaccessreview and
 * selfsubjectrulesreview REST): each answers with the object it was given,
 * its status filled in, and stores nothing.
 */
export function authorizationReviews(opts: ReviewHandlerOptions): CreateOnlyResource[] {
  const subjectAccessReview = async (req: Request, res: Response): Promise<void> => {
    const kind = 'SubjectAccessReview';
    const review = await readReview<AccessReview>(kind, req);
    const spec = review.spec!;
    failIfInvalid(kind, [...validateSubjectAccessReviewSpec(spec), ...validateEmptyMetadata(review, false)]);
    await decide(opts, review, attributesFrom(userOfSpec(spec), spec));
    respond(req, res, review);
  };

  const localSubjectAccessReview = async (req: Request, res: Response): Promise<void> => {
    const kind = 'LocalSubjectAccessReview';
    const namespace = infoOf(req).namespace;
    const review = await readReview<AccessReview>(kind, req);
    const meta = review.metadata!;
    if (meta.namespace && meta.namespace !== namespace) {
      throw newBadRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    meta.namespace = namespace;
    const spec = review.spec!;
    const errs = [...validateSubjectAccessReviewSpec(spec), ...validateEmptyMetadata(review, true)];
    if (spec.resourceAttributes && (spec.resourceAttributes.namespace ?? '') !== namespace) {
      errs.push(invalid('spec.resourceAttributes.namespace', spec.resourceAttributes.namespace ?? '', 'must match metadata.namespace'));
    }
    if (spec.nonResourceAttributes) errs.push(invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'disallowed on this kind of request'));
    failIfInvalid(kind, errs);
    await decide(opts, review, attributesFrom(userOfSpec(spec), spec));
    respond(req, res, review);
  };

  const selfSubjectAccessReview = async (req: Request, res: Response): Promise<void> => {
    const kind = 'SelfSubjectAccessReview';
    const review = await readReview<AccessReview>(kind, req);
    const spec = review.spec!;
    failIfInvalid(kind, [...validateAccessReviewAttributes(spec), ...validateEmptyMetadata(review, false)]);
    await decide(opts, review, attributesFrom(requester(req), spec));
    respond(req, res, review);
  };

  const selfSubjectRulesReview = async (req: Request, res: Response): Promise<void> => {
    const kind = 'SelfSubjectRulesReview';
    const review = await readReview<SelfSubjectRulesReview>(kind, req);
    const user = requester(req);
    const namespace = review.spec?.namespace ?? '';
    if (!namespace) throw newBadRequest('no namespace on request');
    const { resourceRules, nonResourceRules, incomplete, evaluationError } = opts.ruleResolver.rulesFor(user, namespace);
    // kube answers with a new object: the status alone, not the spec it was given.
    respond(req, res, {
      kind: 'SelfSubjectRulesReview',
      apiVersion: API_VERSION,
      metadata: { creationTimestamp: null },
      spec: {},
      status: { resourceRules, nonResourceRules, incomplete, ...(evaluationError ? { evaluationError } : {}) },
    });
  };

  return [
    { info: info('localsubjectaccessreviews', 'LocalSubjectAccessReview', true), create: localSubjectAccessReview },
    { info: info('selfsubjectaccessreviews', 'SelfSubjectAccessReview', false), create: selfSubjectAccessReview },
    { info: info('selfsubjectrulesreviews', 'SelfSubjectRulesReview', false), create: selfSubjectRulesReview },
    { info: info('subjectaccessreviews', 'SubjectAccessReview', false), create: subjectAccessReview },
  ];
}

const info = (resource: string, kind: string, namespaced: boolean): ResourceInfo => ({
  group: AUTHORIZATION_GROUP,
  version: 'v1',
  resource,
  singularName: resource.replace(/s$/, ''),
  kind,
  namespaced,
});
