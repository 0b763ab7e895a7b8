export {
  openSqliteEventStore,
  SqliteEventStore,
  type SqliteEventStoreOptions,
  type SqlitePragmas,
} from './sqliteEventStore';
export { verifySqliteFile, type SqliteVerifyReport } from './verify';
export { checkSqliteFileAgainstDigest, digestSqliteFile, loadOrCreateDigestKey, type DigestKey } from './digest';
