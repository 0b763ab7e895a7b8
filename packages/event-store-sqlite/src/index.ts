export {
  openSqliteEventStore,
  SqliteEventStore,
  type SqliteEventStoreOptions,
  type SqlitePragmas,
} from './sqliteEventStore';
export { verifySqliteFile, type SqliteVerifyReport } from './verify';
export { checkSqliteFileAgainstDigest, digestSqliteFile } from './digest';
