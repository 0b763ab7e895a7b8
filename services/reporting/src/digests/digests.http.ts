import type { AuditLog } from '@asn/privacy';
import { defineRoute, NotFoundError, type Role, type Route } from '@asn/service-kit';
import { z } from 'zod';
import { DIGEST_ID, type Digests } from './digests';

const AUDITORS: readonly Role[] = ['auditor'];
const DigestParams = z.strictObject({ digestId: z.string().regex(DIGEST_ID) });

/** Signed digests of the event store for auditors: made on demand or on the schedule, exported, with the public key. */
export const digestRoutes = (deps: { digests: Digests; audit: AuditLog }): Route[] => [
  defineRoute({
    method: 'post',
    path: '/v1/digests',
    summary: 'Sign a digest of every stream head of the event store now (keep it outside the system with the public key)',
    tags: ['audit'],
    operationId: 'makeDigest',
    access: AUDITORS,
    audited: { action: 'export-digest' },
    responses: { 201: { description: 'The signed digest' } },
    handler: async (ctx) => {
      const { digestId, signed } = await deps.digests.make();
      deps.audit.record({ actor: { subject: ctx.principal?.subject ?? 'unknown', role: 'auditor', correlationId: ctx.requestId }, action: 'export-digest', subjects: [], allowed: true });
      return { status: 201, headers: { Location: `/v1/digests/${digestId}` }, body: { digestId, ...signed } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/digests',
    summary: 'The digests kept by the service, newest first',
    tags: ['audit'],
    operationId: 'listDigests',
    access: AUDITORS,
    responses: { 200: { description: 'Their summaries' } },
    handler: () => ({ status: 200, body: { items: deps.digests.list() } }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/digests/public-key',
    summary: 'The public key digests are signed with (PEM), for auditors to keep',
    tags: ['audit'],
    operationId: 'getDigestPublicKey',
    access: 'public',
    responses: { 200: { description: 'The Ed25519 public key, SPKI PEM' } },
    handler: () => ({ status: 200, body: { publicKey: deps.digests.publicKeyPem() } }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/digests/:digestId',
    summary: 'One kept digest, as signed (to copy out and keep)',
    tags: ['audit'],
    operationId: 'getDigest',
    access: AUDITORS,
    audited: { action: 'export-digest' },
    params: DigestParams,
    responses: { 200: { description: 'The signed digest' }, 404: { description: 'No such digest' } },
    handler: (ctx) => {
      const signed = deps.digests.get(ctx.params.digestId);
      if (!signed) throw new NotFoundError('No such digest.');
      deps.audit.record({ actor: { subject: ctx.principal?.subject ?? 'unknown', role: 'auditor', correlationId: ctx.requestId }, action: 'export-digest', subjects: [], allowed: true });
      return { status: 200, headers: { 'Content-Disposition': `attachment; filename="digest-${ctx.params.digestId}.json"` }, body: signed };
    },
  }),
];
