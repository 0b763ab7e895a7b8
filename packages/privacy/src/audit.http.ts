import { defineRoute, limitParam, ValidationError, type Route } from '@asn/service-kit';
import { z } from 'zod';
import type { AuditLog } from './auditLog';

/**
 * `GET /v1/audit/personal-data-access`: "whose records were read or exported between T1 and T2", for
 * auditors and the data protection officer. Every service that keeps an audit trail serves it the same way.
 */
export const personalDataAccessRoutes = (audit: AuditLog): Route[] => [
  defineRoute({
    method: 'get',
    path: '/v1/audit/personal-data-access',
    summary: 'Accesses to personal data between two instants, optionally for one employee',
    tags: ['privacy'],
    operationId: 'listPersonalDataAccess',
    access: ['auditor', 'data-protection-officer'],
    query: z.strictObject({
      from: z.iso.datetime({ offset: true }),
      to: z.iso.datetime({ offset: true }),
      employeeId: z.uuid().toLowerCase().optional(),
      limit: limitParam({ max: 1000, fallback: 100 }),
      after: z.coerce.number().int().min(0).optional(),
    }),
    responses: { 200: { description: 'Access records, oldest first' } },
    handler: (ctx) => {
      const from = new Date(ctx.query.from);
      const to = new Date(ctx.query.to);
      if (!(from < to)) throw new ValidationError('`from` must be before `to`.');
      return {
        status: 200,
        body: audit.query({
          from,
          to,
          limit: ctx.query.limit,
          ...(ctx.query.employeeId ? { employeeId: ctx.query.employeeId } : {}),
          ...(ctx.query.after ? { afterId: ctx.query.after } : {}),
        }),
      };
    },
  }),
];
