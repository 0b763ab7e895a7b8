import { z } from 'zod';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Canonical unpadded base64url of exactly `bytes` bytes (or at least one byte when `bytes` is undefined). */
const base64url = (bytes?: number) =>
  z
    .string()
    .max(65_536)
    .regex(/^[A-Za-z0-9_-]+$/)
    .refine(
      (s) => {
        const decoded = Buffer.from(s, 'base64url');
        // Re-encoding catches non-canonical spellings, so that one ciphertext has exactly one JSON form.
        return decoded.toString('base64url') === s && (bytes === undefined ? decoded.length > 0 : decoded.length === bytes);
      },
      `must be canonical base64url${bytes === undefined ? '' : ` of ${bytes} bytes`}`,
    );

/**
 * An encrypted personal value inside event data (AES-256-GCM, each part base64url): the only form personal
 * data takes in events and messages. Sealed and opened by @asn/privacy with the data subject's key.
 */
export const SealedValue = z.strictObject({
  alg: z.literal('A256GCM'),
  iv: base64url(IV_BYTES),
  ct: base64url(),
  tag: base64url(TAG_BYTES),
});
export type SealedValue = z.infer<typeof SealedValue>;
