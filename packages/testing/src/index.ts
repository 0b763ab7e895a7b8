export { deciderSpec } from './decider';
export type { DeciderUnderTest, DeciderSpec, DeciderWhen, DeciderThen } from './decider';
export { http, expectProblem } from './http';
export type { HttpClient, HttpOptions, HttpTarget, Problem } from './http';
export {
  INFRA_ENV,
  discoverInfra,
  planInfra,
  probeDocker,
  requiredInfra,
  endpointsFromEnv,
  tryConnect,
  InfraConfigError,
  InfraUnreachableError,
  InfraRequiredError,
} from './infra';
export type {
  InfraKind,
  InfraSource,
  Infra,
  KafkaInfra,
  EsdbInfra,
  InfraPlan,
  DockerProbe,
  DiscoveryOptions,
  Discovery,
} from './infra';
export { INFRA_IMAGES, startContainer, startKafkaContainer, startEsdbContainer } from './containers';
export { describeWithInfra, infraSuiteMode } from './describeWithInfra';
export type { DescribeWithInfraOptions, InfraSuiteMode } from './describeWithInfra';
export { waitUntil } from './waitUntil';
export {
  ROOT,
  spawnServiceProcess,
  spawnTail,
  startServiceProcess,
  type ServiceProcess,
  type TailLine,
} from './serviceProcess';
