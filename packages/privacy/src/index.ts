export { openSqliteAuditLog, type AuditActor, type AuditEntry, type AuditLog, type AuditQuery, type AuditRecord } from './auditLog';
export { PrivacyIntegrityError, SubjectErasedError } from './errors';
export { ERASED, createFieldCipher, SealedValue, type Erased, type FieldCipher } from './fieldCipher';
export { deriveKey, keyedHash, uuidFromKeyedHash } from './keys';
export { loadOrCreateMasterKey } from './masterKey';
export { openSqliteKeyStore, type SqliteKeyStoreOptions } from './sqliteKeyStore';
export { createMemoryKeyStore, type SubjectKeyStore } from './subjectKeyStore';
