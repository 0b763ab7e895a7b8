export { assertCityClock, loadServiceConfig, serviceConfig, type ServiceConfig, type ServiceDefaults } from './config';
export { runService, type RunServiceOptions, type ServiceName, type ServiceRuntime, type StartedService } from './runService';
export { combineRegistries, project, type ProjectionOptions } from './project';
export { contractCheck } from './contractCheck';
export { serviceApp, type ServiceAppOptions, type ServiceDeps } from './serviceApp';
export { RelayStatusBody, rulesRoute, StoreHead } from './routes';
export { consumerReadiness } from './readiness';
export { InvalidRulesError, rulesLoader } from './rules';
