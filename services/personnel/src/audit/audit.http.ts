// The route moved to @asn/privacy/http, shared with the evaluation service; kept under its old name for app.ts.
export { personalDataAccessRoutes as auditRoutes } from '@asn/privacy/http';
