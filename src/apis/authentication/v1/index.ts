/** authentication.k8s.io/v1: the create-only reviews (TokenRequest is serviceaccounts/token in the core group). */
import type { CreateOnlyResource } from '../../../endpoints/installer.js';
import { selfSubjectReviews } from './selfsubjectreviews.js';
import { tokenReviews, type TokenReviewOptions } from './tokenreviews.js';

export function authenticationV1Resources(opts: TokenReviewOptions): CreateOnlyResource[] {
  return [tokenReviews(opts), selfSubjectReviews()];
}

export { selfSubjectReviews, tokenReviews, type TokenReviewOptions };
export * from './types.js';
