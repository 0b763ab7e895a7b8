import { verifySqliteFile } from './verify';
(async () => { const r = await verifySqliteFile(process.argv[2]!); console.log(JSON.stringify(r)); })();
