/** The response kept for an Idempotency-Key and replayed to a retry. */
export interface StoredResponse {
  readonly status: number;
  /** Only the headers the handler set (ETag, Location, ...), not framework ones. */
  readonly headers: Readonly<Record<string, string>>;
  /** JSON body; undefined for an empty one. */
  readonly body?: unknown;
}

/** Identifies one key: the client's key inside a scope of principal, method and route. */
export interface IdempotencyId {
  readonly scope: string;
  readonly key: string;
}

export type ClaimOutcome =
  /** The caller owns the key until it completes or releases it (or the lease runs out). */
  | { readonly kind: 'claimed'; readonly token: string }
  | { readonly kind: 'replay'; readonly response: StoredResponse }
  /** The key was used for a different request. */
  | { readonly kind: 'mismatch' }
  /** The same request is still being processed. */
  | { readonly kind: 'in-flight' };

/**
 * Storage for Idempotency-Key records. `claim` must be atomic: of concurrent claims for one id, exactly
 * one gets `claimed`. A claim older than the lease is stale (its process died) and may be taken over.
 */
export interface IdempotencyStore {
  claim(id: IdempotencyId, fingerprint: string, now: Date): Promise<ClaimOutcome>;
  /** Stores the response for replay; a no-op when `token` no longer owns the claim. */
  complete(id: IdempotencyId, token: string, response: StoredResponse, now: Date): Promise<void>;
  /** Drops an unfinished claim so the client can retry (the handler failed, nothing to replay). */
  release(id: IdempotencyId, token: string): Promise<void>;
}

export interface IdempotencyTimings {
  /** How long an in-flight claim blocks retries before it counts as abandoned. Default 60 s. */
  readonly leaseMs?: number;
  /** How long a completed response is replayed. Default 24 h. */
  readonly retentionMs?: number;
}

export const DEFAULT_LEASE_MS = 60_000;
export const DEFAULT_RETENTION_MS = 24 * 60 * 60_000;
