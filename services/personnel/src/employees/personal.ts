import { CalendarDate, Education, Gender, Text } from '@asn/contracts';
import { z } from 'zod';

/**
 * A person's name as the civil registry writes it: letters of any script with spaces, dots, apostrophes and
 * hyphens between them. Single names ("Sukarno"), "Ni Luh Putu Ayu", "Muh." and "O'Neil-Siregar" pass.
 */
export const PersonName = Text(1, 150).refine(
  (value) => /^[\p{L}\p{M}][\p{L}\p{M}.'’ -]*$/u.test(value) && !/\s{2,}/.test(value),
  'A name holds letters, with single spaces, dots, apostrophes or hyphens between them.',
);

/** The personal data of an employee (UU 27/2022): only ever stored sealed with the employee's key. */
export const PersonalData = z.strictObject({
  name: PersonName,
  /** NIP or NI PPPK; spaces are allowed for reading and removed before it is checked or stored. */
  nip: z.string().max(40).transform((value) => value.replace(/\s+/g, '')),
  birthDate: CalendarDate,
  gender: Gender,
  address: Text(5, 500).optional(),
  education: Education,
});
export type PersonalData = z.output<typeof PersonalData>;
