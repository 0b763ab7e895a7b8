// The audit trail moved to @asn/privacy, shared with the evaluation service. This re-export remains for the
// files that still import it from here (app.ts and the test harness); new code imports @asn/privacy.
export { openSqliteAuditLog, type AuditEntry, type AuditLog, type AuditRecord } from '@asn/privacy';
