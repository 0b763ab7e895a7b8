import type { AuditLog } from '@asn/privacy';
import { defineRoute, InvalidStateError, type Role, type Route } from '@asn/service-kit';
import { z } from 'zod';
import { actorOf } from '../careers/careers.http';
import type { LiveReadModels } from './liveReadModels';
import { REPORTED_CATEGORIES } from './replay';

const StreamId = z.string().regex(new RegExp(`^(${REPORTED_CATEGORIES.join('|')})-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`), 'a stream of a reported topic: <category>-<lowercase uuid>');

const OPERATORS: readonly Role[] = ['operator', 'auditor'];

/** Rebuild the read models without downtime, follow its progress, and replay-and-compare them with the live ones (P10). */
export const rebuildRoutes = (deps: { live: LiveReadModels; audit: AuditLog }): Route[] => [
  defineRoute({
    method: 'post',
    path: '/v1/read-models/rebuilds',
    summary: 'Rebuild every read model from position 0 of the event store into a new file, swapped in when caught up (the live one serves meanwhile)',
    description: 'Answers 202 at once; follow GET /v1/read-models/rebuild. 409 while a rebuild or a comparison runs.',
    tags: ['operations'],
    operationId: 'rebuildReadModels',
    access: OPERATORS,
    audited: { action: 'rebuild-read-models' },
    responses: { 202: { description: 'Started: the rebuild status' }, 409: { description: 'A rebuild is already running' } },
    handler: (ctx) => {
      const actor = actorOf(ctx, OPERATORS);
      const started = deps.live.rebuild(actor.subject);
      deps.audit.record({ actor, action: 'rebuild-read-models', subjects: [], allowed: started });
      if (!started) throw new InvalidStateError('A rebuild is already running: follow GET /v1/read-models/rebuild.');
      return { status: 202, headers: { Location: '/v1/read-models/rebuild' }, body: deps.live.status() };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/read-models/rebuild',
    summary: 'The progress of the running (or last) rebuild: events, position of the head, percent, events per second, events not applied',
    tags: ['operations'],
    operationId: 'getRebuild',
    access: OPERATORS,
    responses: { 200: { description: 'The rebuild status' } },
    handler: () => ({ status: 200, body: deps.live.status() }),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/read-models/comparisons',
    summary: 'Replay everything, or one stream, into fresh read models and compare them row by row with the live ones',
    description:
      'The live consumer waits while the comparison runs (reads go on); the replay stops at the live model\'s own cut (each stream to the revision it applied), so a lagging consumer is no difference. 200 with equal true or false and the differing tables.',
    tags: ['audit'],
    operationId: 'compareReadModels',
    access: OPERATORS,
    audited: { action: 'replay-compare' },
    body: z.strictObject({ stream: StreamId.optional().meta({ description: 'One stream (e.g. employee-<uuid>); everything when absent.' }) }),
    responses: { 200: { description: 'The comparison' }, 409: { description: 'A rebuild or another comparison is running' } },
    handler: async (ctx) => {
      const actor = actorOf(ctx, OPERATORS);
      if (deps.live.busy()) {
        deps.audit.record({ actor, action: 'replay-compare', subjects: ctx.body.stream ? [ctx.body.stream] : [], allowed: false });
        throw new InvalidStateError('A rebuild or another comparison is running: compare after it has finished.');
      }
      const comparison = await deps.live.compare(ctx.body.stream);
      deps.audit.record({ actor, action: 'replay-compare', subjects: ctx.body.stream ? [ctx.body.stream] : [], allowed: true });
      return { status: 200, body: comparison };
    },
  }),
];
