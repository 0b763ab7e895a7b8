export { loadServiceConfig, serviceConfig, type ServiceConfig, type ServiceDefaults } from './config';
export { runService, type RunServiceOptions, type ServiceRuntime, type StartedService } from './runService';
export { combineRegistries, project, type ProjectionOptions } from './project';
export { operationsRoutes, RelayStatusBody, rulesRoute, StoreHead, type Operations } from './routes';
export { consumerReadiness, operationsReadiness } from './readiness';
