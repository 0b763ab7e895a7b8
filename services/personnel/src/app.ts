import type { Bus } from '@asn/bus';
import { cityDate } from '@asn/contracts';
import { createFieldCipher, type AuditLog, type SubjectKeyStore } from '@asn/privacy';
import { personalDataAccessRoutes } from '@asn/privacy/http';
import { rulesRoute, serviceApp, type ServiceDeps } from '@asn/runtime';
import { startAppraisals, type AppraisalFact, type Appraisals } from './appraisals/appraisal.projection';
import { createEmployeeCodec } from './employees/employee.codec';
import { employeeRoutes } from './employees/employee.http';
import { startRoster, type Roster } from './employees/roster.projection';
import { personnelErrorMapper } from './errors';
import type { PersonnelRules } from './rules/rules';
import { loadUnitDirectory, type UnitCache } from './units/unit.handlers';
import { unitRoutes } from './units/unit.http';

/** What the personnel service is built from; main.ts wires real adapters, tests wire temp ones. */
export interface PersonnelDeps extends ServiceDeps {
  readonly keys: SubjectKeyStore;
  /** Key of the NIP index (derived from the privacy master key). */
  readonly nipIndexKey: Buffer;
  readonly audit: AuditLog;
  readonly rules: PersonnelRules;
  /**
   * The bus to read other contexts' events from (asn.evaluation.v1: final appraisals for promotion
   * eligibility), with the read model's SQLite file. Without a bus no appraisal is known, and the appraisal
   * rule is skipped as for an employee without appraisals.
   */
  readonly bus?: Bus;
  readonly readModelPath?: string;
}

export const SERVICE = {
  name: 'personnel',
  version: '0.2.0',
  description:
    'Employee records and decrees (SK) of the civil service: proposals, approvals, the org chart, eligibility.',
} as const;

export interface PersonnelApp {
  app: ReturnType<typeof serviceApp>;
  roster: Roster;
  /** The final annual appraisals read from the evaluation service; undefined without a bus. */
  appraisals: Appraisals | undefined;
  /** Stops the read model (the store and other adapters belong to the caller). */
  stop(): Promise<void>;
}

/** The personnel service's express app (no listen) and its read model. */
export const createApp = (deps: PersonnelDeps): PersonnelApp => {
  const now = deps.now ?? (() => new Date());
  const today = deps.today ?? (() => cityDate(now()));
  const codec = createEmployeeCodec(createFieldCipher(deps.keys));
  const roster = startRoster({ store: deps.store, codec, logger: deps.logger });
  if (deps.bus && !deps.readModelPath) throw new TypeError('createApp: a bus needs a readModelPath for its read model');
  const appraisals =
    deps.bus && deps.readModelPath
      ? startAppraisals({ bus: deps.bus, path: deps.readModelPath, logger: deps.logger })
      : undefined;
  const appraisalsOf = (employeeId: string): AppraisalFact[] => appraisals?.of(employeeId) ?? [];
  const units: UnitCache = new Map();
  const handlerDeps = {
    store: deps.store,
    codec,
    keys: deps.keys,
    nipIndexKey: deps.nipIndexKey,
    rules: () => deps.rules,
    units: (unitIds: readonly string[]) => loadUnitDirectory(deps.store, unitIds, units),
    cache: roster.cache,
    appraisals: appraisalsOf,
    now,
    today,
  };
  const app = serviceApp(deps, {
    service: SERVICE,
    routes: [
      ...unitRoutes({ store: deps.store, units, roster, today }),
      ...employeeRoutes({ ...handlerDeps, roster, audit: deps.audit }),
      ...personalDataAccessRoutes(deps.audit),
      rulesRoute(
        deps.rules,
        'The personnel rules in force (promotion, transfer, retirement), each naming its regulation',
        'eligibility',
      ),
    ],
    readiness: [
      { name: 'read model', check: () => roster.catchUp(1_000) },
      ...(appraisals ? [{ name: 'appraisals', check: () => appraisals.caughtUp(1_000) }] : []),
    ],
    audit: deps.audit,
    errorMapper: personnelErrorMapper,
  });
  return {
    app,
    roster,
    appraisals,
    stop: async () => {
      await appraisals?.stop();
      await roster.stop();
    },
  };
};
