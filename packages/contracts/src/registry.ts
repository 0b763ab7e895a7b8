import { z } from 'zod';

/** Event data schemas are strict objects: an unknown key in stored or received data is an error, not noise. */
export type EventSchema = z.ZodObject<z.ZodRawShape, z.core.$strict>;

interface VersionStep {
  readonly version: number;
  readonly schema: EventSchema;
  /** Turns data of the previous version into this version's input; absent on the first version. */
  readonly upcast?: (previous: unknown) => unknown;
}

/** One event type and every schema version it ever had, oldest first. `Schema` is the latest. */
export interface EventDefinition<Type extends string = string, Schema extends EventSchema = EventSchema> {
  readonly type: Type;
  readonly latestVersion: number;
  /** The latest schema. */
  readonly schema: Schema;
  readonly versions: readonly VersionStep[];
  /**
   * Adds the next schema version with the upcaster that lifts data of the current latest version into it.
   * @throws RangeError unless `version` is the current latest plus one.
   */
  upcastTo<Next extends EventSchema>(step: {
    version: number;
    schema: Next;
    upcast: (previous: z.output<Schema>) => z.input<Next>;
  }): EventDefinition<Type, Next>;
}

/** The data type of an event definition's latest version. */
export type EventData<Definition> = Definition extends EventDefinition<string, infer Schema> ? z.output<Schema> : never;

// Same shape as the event store's and the CloudEvents type rule accept, PascalCase by convention.
const EVENT_TYPE = /^[A-Z][A-Za-z0-9]*$/;

const definition = <Type extends string, Schema extends EventSchema>(
  type: Type,
  versions: readonly VersionStep[],
): EventDefinition<Type, Schema> => {
  const latest = versions.at(-1);
  if (!latest) throw new RangeError('an event definition needs a version');
  return {
    type,
    latestVersion: latest.version,
    schema: latest.schema as Schema,
    versions,
    upcastTo: <Next extends EventSchema>(step: {
      version: number;
      schema: Next;
      upcast: (previous: z.output<Schema>) => z.input<Next>;
    }) => {
      if (step.version !== latest.version + 1) {
        throw new RangeError(`${type}: version ${step.version} must follow version ${latest.version}`);
      }
      const upcast = step.upcast as (previous: unknown) => unknown;
      return definition<Type, Next>(type, [...versions, { version: step.version, schema: step.schema, upcast }]);
    },
  };
};

/**
 * Defines an event type by its first schema version (usually 1). Add later versions with `.upcastTo(...)`.
 * @throws RangeError for a type that is not PascalCase or a version that is not a positive integer.
 */
export const defineEvent = <const Type extends string, Schema extends EventSchema>(first: {
  type: Type;
  version: number;
  schema: Schema;
}): EventDefinition<Type, Schema> => {
  if (!EVENT_TYPE.test(first.type)) throw new RangeError(`event type "${first.type}" must be PascalCase`);
  if (!Number.isSafeInteger(first.version) || first.version < 1) {
    throw new RangeError(`${first.type}: version must be a positive integer`);
  }
  return definition<Type, Schema>(first.type, [{ version: first.version, schema: first.schema }]);
};

/** Base of every error the registry throws: a consumer dead-letters the message and moves on. */
export class EventContractError extends Error {
  override readonly name: string = 'EventContractError';
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export class UnknownEventTypeError extends EventContractError {
  override readonly name = 'UnknownEventTypeError';
  constructor(type: string) {
    super(type, `unknown event type "${type}"`);
  }
}

/** The version is newer than this code knows: the producer was deployed before this consumer. */
export class FutureEventVersionError extends EventContractError {
  override readonly name = 'FutureEventVersionError';
  constructor(
    type: string,
    readonly version: number,
    readonly latestVersion: number,
  ) {
    super(type, `${type} v${version} is newer than the latest known version v${latestVersion}`);
  }
}

/** The version is not a positive integer or older than the oldest schema still defined. */
export class UnknownEventVersionError extends EventContractError {
  override readonly name = 'UnknownEventVersionError';
  constructor(
    type: string,
    readonly version: unknown,
  ) {
    super(type, `${type} has no schema version ${String(version)}`);
  }
}

/**
 * Data failed its version's schema. `upcastFrom` is set when an upcaster produced it: a bug in code,
 * not in the data. Messages name paths and rules, never values, so they are safe to log.
 */
export class EventSchemaError extends EventContractError {
  override readonly name = 'EventSchemaError';
  constructor(
    type: string,
    readonly version: number,
    readonly issues: readonly z.core.$ZodIssue[],
    readonly upcastFrom?: number,
  ) {
    const where = upcastFrom === undefined ? `${type} v${version}` : `${type} v${version} (upcast from v${upcastFrom})`;
    const problems = issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    super(type, `${where} data fails its schema: ${problems.join('; ')}`);
  }
}

/** A stored or received event, as far as the registry needs it. */
export interface VersionedEvent {
  type: string;
  schemaVersion: number;
  data: unknown;
}

/** One event of the registry at its latest version: a union discriminated on `type`. */
export type LatestEvent<Definitions extends EventDefinition> = Definitions extends EventDefinition<infer Type, infer Schema>
  ? { type: Type; schemaVersion: number; data: z.output<Schema> }
  : never;

/** JSON Schema (draft 2020-12) of one type at one version. */
export interface EventJsonSchema {
  type: string;
  version: number;
  schema: Record<string, unknown>;
}

export interface EventRegistry<Definitions extends EventDefinition> {
  /**
   * Validates data stored at `version` and upcasts it, step by step, to the latest version.
   * @throws UnknownEventTypeError, UnknownEventVersionError, FutureEventVersionError or EventSchemaError.
   */
  parse<Type extends Definitions['type']>(
    type: Type,
    version: number,
    data: unknown,
  ): EventData<Extract<Definitions, { type: Type }>>;
  /** Like `parse`, for an event whose type is only known at run time; keeps the event's other fields. */
  parseEvent<Event extends VersionedEvent>(event: Event): Omit<Event, 'type' | 'schemaVersion' | 'data'> & LatestEvent<Definitions>;
  /**
   * Validates data at its own version, without upcasting it: what a store keeps (ADR 0010). Returns the data as
   * that version's schema reads it.
   * @throws UnknownEventTypeError, UnknownEventVersionError, FutureEventVersionError or EventSchemaError.
   */
  check(type: Definitions['type'], version: number, data: unknown): unknown;
  /**
   * For data a store checked against this version's schema when it was appended (ADR 0010): the latest version's
   * data as it is, without validating it again; an older version validated and upcast as `parse` does.
   * @throws UnknownEventTypeError, UnknownEventVersionError, FutureEventVersionError, or EventSchemaError for older data.
   */
  upcastStored<Type extends Definitions['type']>(
    type: Type,
    version: number,
    data: unknown,
  ): EventData<Extract<Definitions, { type: Type }>>;
  /** Whether the type is registered. */
  has(type: string): type is Definitions['type'];
  /** The version new events of this type are written at. */
  latestVersion(type: Definitions['type']): number;
  /** JSON Schemas (draft 2020-12) of every registered type and version, oldest version first. */
  jsonSchemas(): EventJsonSchema[];
}

/**
 * A registry of event definitions, for reading stored events and messages at their latest version.
 * @throws RangeError when two definitions share a type.
 */
export const createEventRegistry = <Definitions extends EventDefinition>(
  definitions: readonly Definitions[],
): EventRegistry<Definitions> => {
  const byType = new Map<string, EventDefinition>();
  for (const d of definitions) {
    if (byType.has(d.type)) throw new RangeError(`event type "${d.type}" is defined twice`);
    byType.set(d.type, d);
  }

  const lookup = (type: string): EventDefinition => {
    const found = byType.get(type);
    if (!found) throw new UnknownEventTypeError(type);
    return found;
  };

  const validate = (type: string, step: VersionStep, data: unknown, upcastFrom?: number): unknown => {
    const result = step.schema.safeParse(data);
    if (!result.success) throw new EventSchemaError(type, step.version, result.error.issues, upcastFrom);
    return result.data;
  };

  /** The schema steps from `version` to the latest. */
  const stepsFrom = (type: string, version: number): [VersionStep, ...VersionStep[]] => {
    const d = lookup(type);
    const first = d.versions[0]?.version ?? 1;
    if (!Number.isSafeInteger(version) || version < first) throw new UnknownEventVersionError(type, version);
    if (version > d.latestVersion) throw new FutureEventVersionError(type, version, d.latestVersion);
    const [stored, ...later] = d.versions.slice(version - first);
    if (!stored) throw new UnknownEventVersionError(type, version);
    return [stored, ...later];
  };

  const parse = (type: string, version: number, data: unknown): unknown => {
    const [stored, ...later] = stepsFrom(type, version);
    // Validating after every upcast too catches an upcaster that drifted from the schema it targets.
    let current = validate(type, stored, data);
    for (const step of later) current = validate(type, step, step.upcast?.(current), step.version - 1);
    return current;
  };

  return {
    parse: (type, version, data) => parse(type, version, data) as never,
    check: (type, version, data) => validate(type, stepsFrom(type, version)[0], data),
    upcastStored: (type, version, data) => (version === lookup(type).latestVersion ? data : parse(type, version, data)) as never,
    parseEvent: (event) =>
      ({
        ...event,
        schemaVersion: lookup(event.type).latestVersion,
        data: parse(event.type, event.schemaVersion, event.data),
      }) as never,
    has: (type): type is Definitions['type'] => byType.has(type),
    latestVersion: (type) => lookup(type).latestVersion,
    jsonSchemas: () =>
      [...byType.values()].flatMap((d) =>
        d.versions.map((step) => ({
          type: d.type,
          version: step.version,
          schema: {
            // Input, not output: consumers receive data as it was written, before any defaults apply.
            ...z.toJSONSchema(step.schema, { target: 'draft-2020-12', io: 'input' }),
            $id: `urn:asn:event:${d.type}:v${step.version}`,
            title: `${d.type} v${step.version}`,
          },
        })),
      ),
  };
};
