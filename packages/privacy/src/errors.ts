/** The subject's key was erased: nothing can be sealed for them any more, and what was sealed is unreadable. */
export class SubjectErasedError extends Error {
  override readonly name = 'SubjectErasedError';
  constructor(readonly subject: string) {
    super(`the personal data of subject ${subject} was erased`);
  }
}

/**
 * Sealed data or a wrapped key did not authenticate: tampering, a value moved to another event or subject,
 * a key store opened with another master key, or a sealed value whose key this store never had.
 */
export class PrivacyIntegrityError extends Error {
  override readonly name = 'PrivacyIntegrityError';
}
