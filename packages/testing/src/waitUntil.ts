/**
 * Polls `condition` every `intervalMs` until it holds; rejects naming `what` when `timeoutMs` passes first.
 * For tests that wait on another process, a broker or a background loop: bounded, never a bare sleep.
 */
export const waitUntil = async (
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
  intervalMs = 20,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
};
