import { tracingChannel } from 'node:diagnostics_channel';
import { describe, expect, it } from '@jest/globals';
import { APPEND_CHANNEL, tracedAppend, type AppendMessage } from './appendChannel';
import type { NewEvent } from './types';

// Given an engine's append run through the channel, when telemetry listens (or does not), then the events carry
// the trace context it set where they had none, and nothing else changes.

const mine = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const listeners = '00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01';
const events: NewEvent[] = [
  { id: '0190a000-0000-7000-8000-000000000001', type: 'A', data: {}, metadata: { correlationId: 'c' } },
  { id: '0190a000-0000-7000-8000-000000000002', type: 'B', data: {}, metadata: { correlationId: 'c', traceparent: mine } },
  { id: '0190a000-0000-7000-8000-000000000003', type: 'C', data: {} },
];
const capture = async () => {
  let seen: readonly NewEvent[] = [];
  const result = await tracedAppend(events, async (traced) => {
    seen = traced;
    return { nextExpectedRevision: 2, position: 3 };
  });
  return { seen, result };
};

describe('an append announced on the channel', () => {
  it('passes the events through untouched while nobody listens', async () => {
    const { seen, result } = await capture();
    expect(seen).toBe(events);
    expect(result).toEqual({ nextExpectedRevision: 2, position: 3 });
  });

  it("stamps the listener's trace context on the events without one, keeps the caller's, and tells the listener the count", async () => {
    const channel = tracingChannel<unknown, AppendMessage>(APPEND_CHANNEL);
    const started: number[] = [];
    const subscribers = {
      start: (message: AppendMessage) => {
        started.push(message.events);
        message.traceparent = listeners;
      },
      end: () => undefined,
      asyncStart: () => undefined,
      asyncEnd: () => undefined,
      error: () => undefined,
    };
    channel.subscribe(subscribers);
    try {
      const { seen } = await capture();
      expect(started).toEqual([3]);
      expect(seen.map((e) => e.metadata?.traceparent)).toEqual([listeners, mine, listeners]);
      expect(seen[0]?.metadata).toEqual({ correlationId: 'c', traceparent: listeners });
      expect(events[0]?.metadata).toEqual({ correlationId: 'c' });
    } finally {
      channel.unsubscribe(subscribers);
    }
  });
});
