import type { Request, Response } from 'express';
import { newBadRequest, newInternalError } from '../../../apimachinery/status-error.js';
import type { TokenAuthenticator } from '../../../auth/authenticator/token.js';
import { InvalidCredentialsError } from '../../../auth/authenticator/authenticator.js';
import type { CreateOnlyResource } from '../../../endpoints/installer.js';
import { renderingFor } from '../../../endpoints/handlers/context.js';
import { writeOptions } from '../../../endpoints/query.js';
import { decodeObjectBody } from '../../../endpoints/request-body.js';
import { writeObject } from '../../../endpoints/responsewriters/object.js';
import { API_VERSION, GROUP, VERSION, userInfoV1, type TokenReview } from './types.js';

export interface TokenReviewOptions {
  tokenAuthenticator: TokenAuthenticator;
  /** --api-audiences: the audiences a review without spec.audiences asks for. */
  apiAudiences: string[];
}

/**
 * kube's TokenReview REST: authenticates spec.token as the server would and
 * says whom it names, for which audiences. A token that is refused is an
 * answer (authenticated false, the reason in status.error), not an error.
 */
export function tokenReviews(opts: TokenReviewOptions): CreateOnlyResource {
  return {
    info: { group: GROUP, version: VERSION, resource: 'tokenreviews', singularName: 'tokenreview', kind: 'TokenReview', namespaced: false },
    async create(req: Request, res: Response) {
      const review = (await decodeObjectBody(req, { kind: 'TokenReview', afterRead: () => writeOptions(req, 'CreateOptions') })) as TokenReview;
      const token = review.spec?.token ?? '';
      if (!token) throw newBadRequest('token is required for TokenReview in authentication');
      const audiences = review.spec?.audiences?.length ? review.spec.audiences : opts.apiAudiences;
      let status: NonNullable<TokenReview['status']>;
      try {
        const r = await opts.tokenAuthenticator.authenticateToken(token, audiences);
        if (r && audiences.length > 0 && !r.audiences.some((a) => audiences.includes(a))) {
          throw newInternalError('token audiences do not match the audiences requested');
        }
        status = r ? { authenticated: true, user: userInfoV1(r.user), ...(r.audiences.length ? { audiences: r.audiences } : {}) } : { user: {} };
      } catch (err) {
        if (!(err instanceof InvalidCredentialsError)) throw err;
        status = { user: {}, error: err.message };
      }
      const out: TokenReview = {
        kind: 'TokenReview',
        apiVersion: API_VERSION,
        metadata: { ...(review.metadata ?? {}), creationTimestamp: null },
        spec: { ...review.spec },
        status,
      };
      writeObject(res, 201, out, renderingFor(req, false));
    },
  };
}
