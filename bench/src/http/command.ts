import { randomUUID } from 'node:crypto';

/** The request both servers get: same method, path shape, headers and body bytes; only the ids differ. */
export interface CommandRequest {
  path: string;
  body: string;
  idempotencyKey: string;
}

/** Digits of the per-request counter in the SK number and the idempotency key: fixed, so every body has one size. */
const COUNTER_DIGITS = 8;

/**
 * The transfer proposal of `employeeId` to `toUnitId` (both UUIDs, so the length never varies), the n-th of
 * this run: a unique SK number and Idempotency-Key per request. The tenure override reason makes a transfer
 * within two years of the last one acceptable, so every request is a valid command.
 */
export const transferRequest = (employeeId: string, toUnitId: string, n: number, tmt: string): CommandRequest => {
  const counter = String(n).padStart(COUNTER_DIGITS, '0');
  const body = {
    decision: { kind: 'transfer', transferKind: 'within-city', toUnitId, tenureOverrideReason: 'Rotasi benchmark' },
    decree: {
      skNumber: `800/${counter}/BKPSDM/${tmt.slice(0, 4)}`,
      skDate: tmt,
      tmt,
      signedBy: 'Wali Kota Tanjungbalai',
      legalBasis: 'UU 20/2023 tentang ASN; Peraturan BKN 5/2019',
    },
  };
  return {
    path: `/v1/employees/${employeeId}/proposals`,
    body: JSON.stringify(body),
    idempotencyKey: `bench-${String(process.pid)}-${counter}`,
  };
};

/** Today (UTC), as the service's clock sees it: the TMT of every transfer. */
export const todayUtc = (): string => new Date().toISOString().slice(0, 10);

/** Ids of the baseline's synthetic employees (it keeps no employees: only the path has to look the same). */
export const syntheticIds = (count: number): string[] => Array.from({ length: count }, () => randomUUID());
