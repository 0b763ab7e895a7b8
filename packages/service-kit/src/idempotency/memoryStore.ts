import { randomUUID } from 'node:crypto';
import {
  DEFAULT_LEASE_MS,
  DEFAULT_RETENTION_MS,
  type IdempotencyId,
  type IdempotencyStore,
  type IdempotencyTimings,
  type StoredResponse,
} from './store';

interface Entry {
  fingerprint: string;
  token: string;
  response?: StoredResponse;
  expiresAt: number;
}

/** An in-process {@link IdempotencyStore} for unit tests and single-process tools; not durable. */
export const createMemoryIdempotencyStore = ({ leaseMs = DEFAULT_LEASE_MS, retentionMs = DEFAULT_RETENTION_MS }: IdempotencyTimings = {}): IdempotencyStore => {
  const entries = new Map<string, Entry>();
  const keyOf = ({ scope, key }: IdempotencyId) => JSON.stringify([scope, key]);
  return {
    claim: async (id, fingerprint, now) => {
      const existing = entries.get(keyOf(id));
      if (existing && existing.expiresAt > now.getTime()) {
        if (existing.fingerprint !== fingerprint) return { kind: 'mismatch' };
        return existing.response ? { kind: 'replay', response: existing.response } : { kind: 'in-flight' };
      }
      const token = randomUUID();
      entries.set(keyOf(id), { fingerprint, token, expiresAt: now.getTime() + leaseMs });
      return { kind: 'claimed', token };
    },
    complete: async (id, token, response, now) => {
      const entry = entries.get(keyOf(id));
      if (entry?.token !== token) return;
      entry.response = response;
      entry.expiresAt = now.getTime() + retentionMs;
    },
    release: async (id, token) => {
      if (entries.get(keyOf(id))?.token === token) entries.delete(keyOf(id));
    },
  };
};
