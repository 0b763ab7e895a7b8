import { afterAll, beforeAll, describe } from '@jest/globals';
import { InfraRequiredError, discoverInfra, planInfra, requiredInfra } from './infra';
import type { DiscoveryOptions, Infra, InfraKind } from './infra';

/** What a suite does about its infrastructure, decided while jest collects tests. */
export type InfraSuiteMode = { mode: 'run' } | { mode: 'skip'; reason: string } | { mode: 'fail'; reason: string };

/** `run` when an endpoint or Docker is there, else `skip`, or `fail` when REQUIRE_INFRA names the kind. */
export const infraSuiteMode = (kind: InfraKind, options: DiscoveryOptions = {}): InfraSuiteMode => {
  const plan = planInfra(kind, options);
  if (plan.via !== 'none') return { mode: 'run' };
  return requiredInfra(options.env ?? process.env).has(kind)
    ? { mode: 'fail', reason: `REQUIRE_INFRA names ${kind}, but ${plan.reason}` }
    : { mode: 'skip', reason: plan.reason };
};

export interface DescribeWithInfraOptions extends DiscoveryOptions {
  /** Bound on discovery, container start included; 180 s by default. */
  timeoutMs?: number;
}

/**
 * A `describe` for tests that need `kind`. The body gets `getInfra()`, usable inside tests and hooks.
 * Missing infrastructure skips the suite with a printed reason, unless REQUIRE_INFRA names it: then
 * every test fails from `beforeAll`. Containers started here are stopped in `afterAll`.
 */
export const describeWithInfra = <Kind extends InfraKind>(
  kind: Kind,
  body: (getInfra: () => Infra<Kind>) => void,
  options: DescribeWithInfraOptions = {},
): void => {
  const title = `with ${kind}`;
  const decision = infraSuiteMode(kind, options);
  let infra: Infra<Kind> | undefined;
  const getInfra = (): Infra<Kind> => {
    if (!infra) throw new Error(`${kind} is not available here: getInfra() works inside tests and hooks`);
    return infra;
  };

  if (decision.mode === 'skip') {
    // A skip must be visible: the printed reason says what to set to run the suite.
    console.warn(`skipping "${title}": ${decision.reason}`);
    describe.skip(title, () => body(getInfra));
    return;
  }
  describe(title, () => {
    beforeAll(async () => {
      if (decision.mode === 'fail') throw new InfraRequiredError(decision.reason);
      const found = await discoverInfra(kind, options);
      // The plan said run, yet discovery may still come back empty if Docker vanished in between.
      if (!found.found) throw new InfraRequiredError(`${kind} disappeared after planning: ${found.reason}`);
      infra = found.infra;
    }, options.timeoutMs ?? 180_000);
    afterAll(async () => {
      await infra?.stop();
    }, 60_000);
    body(getInfra);
  });
};
