import { createHash, timingSafeEqual } from 'node:crypto';
import type { FeedbackCategory, TicketKind } from '@asn/contracts';
import type { OrgChart } from '@asn/org-chart';
import { deriveKey, keyedHash, uuidFromKeyedHash } from '@asn/privacy';
import { HttpProblem } from '@asn/service-kit';
import type { RoutingReason } from '@asn/contracts';

/** Keys of the public desk, derived from the master key: the same master key gives the same ids and tokens. */
export interface SubmissionKeys {
  fingerprint: Buffer;
  token: Buffer;
}

export const submissionKeys = (masterKey: Buffer): SubmissionKeys => ({
  fingerprint: deriveKey(masterKey, 'asn/feedback/submission-fingerprint/v1'),
  token: deriveKey(masterKey, 'asn/feedback/ticket-token/v1'),
});

const normalise = (text: string): string => text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * A ticket's id from what it says, where and on which local day: the same report submitted twice the same day
 * lands on the same stream, so the event store itself refuses the second (no window to race through). Keyed:
 * the id reveals nothing of the text.
 */
export const ticketIdOf = (
  keys: SubmissionKeys,
  report: { localDate: string; kind: TicketKind; category: FeedbackCategory; unitId?: string; employeeId?: string; service?: string; description: string },
): string =>
  uuidFromKeyedHash(
    keys.fingerprint,
    JSON.stringify([report.localDate, report.kind, report.category, report.unitId ?? '', report.employeeId ?? '', normalise(report.service ?? ''), normalise(report.description)]),
  );

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The number read over the phone: `LPR-` and 50 bits of the id's hash in Crockford base32. */
export const ticketNumberOf = (ticketId: string): string => {
  const digest = createHash('sha256').update(ticketId).digest();
  let bits = 0n;
  for (const byte of digest.subarray(0, 7)) bits = (bits << 8n) | BigInt(byte);
  bits >>= 6n; // 56 → 50 bits
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return `LPR-${out}`;
};

/** The capability token of a ticket: only its holder follows the ticket; a retry of the submission gets the same one. */
export const ticketTokenOf = (keys: SubmissionKeys, ticketId: string): string => `lpr_${keyedHash(keys.token, ticketId)}`;

export const tokenHashOf = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Whether `token` is the ticket's (constant time over the hashes). */
export const tokenMatches = (token: string, tokenHash: string): boolean => {
  const given = Buffer.from(tokenHashOf(token), 'hex');
  const kept = Buffer.from(tokenHash, 'hex');
  return given.length === kept.length && timingSafeEqual(given, kept);
};

/**
 * "No wrong door": a named unit the city has, else the unit of a named employee, else the intake desk (the
 * configured one, or the city's top unit). Nothing the submitter names is refused: an unknown unit or
 * employee only changes where the ticket lands first.
 */
export const routeSubmission = (
  orgChart: OrgChart,
  intakeUnitId: string | undefined,
  today: string,
  named: { unitId?: string; employeeId?: string },
): { unitId: string; reason: Exclude<RoutingReason, 'officer'> } => {
  const live = (unitId: string | undefined) => {
    const unit = unitId === undefined ? undefined : orgChart.unit(unitId);
    return unit !== undefined && (unit.dissolvedOn === undefined || unit.dissolvedOn > today) ? unit : undefined;
  };
  const unit = live(named.unitId);
  if (unit) return { unitId: unit.unitId, reason: 'named-unit' };
  const employee = named.employeeId === undefined ? undefined : orgChart.employeeOn(named.employeeId, today);
  if (employee && live(employee.unitId)) return { unitId: employee.unitId, reason: 'employee-unit' };
  const intake = intakeUnitId ?? orgChart.units().find((u) => u.parentUnitId === undefined && live(u.unitId))?.unitId;
  if (intake === undefined) {
    throw new HttpProblem(503, 'no-intake-unit', 'Not ready to receive reports', 'The city has no unit on record to receive reports yet; try again later.', {}, { 'Retry-After': '60' });
  }
  return { unitId: intake, reason: 'intake-desk' };
};
