import type { Request, Response } from 'express';
import { newInternalError } from '../../../apimachinery/status-error.js';
import type { CreateOnlyResource } from '../../../endpoints/installer.js';
import { renderingFor } from '../../../endpoints/handlers/context.js';
import { writeOptions } from '../../../endpoints/query.js';
import { userFrom } from '../../../endpoints/request/context.js';
import { decodeObjectBody } from '../../../endpoints/request-body.js';
import { writeObject } from '../../../endpoints/responsewriters/object.js';
import { API_VERSION, GROUP, VERSION, timestamp, userInfoV1, type SelfSubjectReview } from './types.js';

/** kube's SelfSubjectReview REST (`kubectl auth whoami`): who the server thinks the caller is, after impersonation. */
export function selfSubjectReviews(now: () => Date = () => new Date()): CreateOnlyResource {
  return {
    info: { group: GROUP, version: VERSION, resource: 'selfsubjectreviews', singularName: 'selfsubjectreview', kind: 'SelfSubjectReview', namespaced: false },
    async create(req: Request, res: Response) {
      await decodeObjectBody(req, { kind: 'SelfSubjectReview', afterRead: () => writeOptions(req, 'CreateOptions') });
      const user = userFrom(req);
      if (!user) throw newInternalError('no user present on request');
      const out: SelfSubjectReview = {
        kind: 'SelfSubjectReview',
        apiVersion: API_VERSION,
        metadata: { creationTimestamp: timestamp(now()) },
        status: { userInfo: userInfoV1(user) },
      };
      writeObject(res, 201, out, renderingFor(req, false));
    },
  };
}
