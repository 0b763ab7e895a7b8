import { personnelEventRegistry, type EmployeeEventData } from '@asn/contracts';
import type { NewEvent, RecordedEvent } from '@asn/event-store';
import { ERASED, type FieldCipher } from '@asn/privacy';
import { PersonalData } from './personal';
import type { EmployeeEvent, Personal } from './employee.domain';

/** The associated data a sealed value is bound to: moved to another event, it no longer opens. */
const sealContext = (stream: string, eventId: string): string => `${stream}/${eventId}`;

/**
 * Between the decider and the store: personal data is sealed with the employee's key on the way in and
 * opened on the way out ('erased' once the key is gone). Everything else passes through the contract's
 * schemas, so stored events of an older version arrive upcast.
 */
export interface EmployeeCodec {
  open(employeeId: string, recorded: RecordedEvent): EmployeeEvent;
  seal(employeeId: string, stream: string, eventId: string, event: EmployeeEvent): Pick<NewEvent, 'type' | 'data' | 'schemaVersion'>;
}

export const createEmployeeCodec = (cipher: FieldCipher): EmployeeCodec => ({
  open: (employeeId, recorded) => {
    const parsed = personnelEventRegistry.parseEvent(recorded) as unknown as EmployeeEventData;
    const data = parsed.data as { personal?: unknown };
    if (data.personal === undefined) return parsed as EmployeeEvent;
    const opened = cipher.open(employeeId, sealContext(recorded.stream, recorded.id), data.personal as never);
    const personal: Personal = opened === ERASED ? 'erased' : PersonalData.parse(opened);
    return { type: parsed.type, data: { ...parsed.data, personal } } as EmployeeEvent;
  },
  seal: (employeeId, stream, eventId, event) => {
    const data = event.data as { personal?: Personal };
    const type = event.type;
    const schemaVersion = personnelEventRegistry.latestVersion(type);
    if (data.personal === undefined) return { type, schemaVersion, data: event.data };
    if (data.personal === 'erased') throw new Error('erased personal data cannot be written again');
    return { type, schemaVersion, data: { ...data, personal: cipher.seal(employeeId, sealContext(stream, eventId), data.personal) } };
  },
});
