import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { withAuditIDValue } from '../../endpoints/request/context.js';

/** Gives each request an Audit-ID (the client's, if it sent one) and echoes it in the response. */
export function withAuditID(): RequestHandler {
  return (req, res, next) => {
    const given = req.headers['audit-id'];
    const id = typeof given === 'string' && given.trim() !== '' ? given.trim() : randomUUID();
    withAuditIDValue(req, id);
    res.setHeader('Audit-Id', id);
    next();
  };
}
