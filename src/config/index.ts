// Public surface of the config module.
export { loadConfig, ConfigError, type LoadConfigOptions } from './load.js';
export {
  configSchema,
  ENV_NAMES,
  SECRET_KEYS,
  REQUIRED_TO_SERVE,
  type FlowgateConfig,
  type ConfigInput,
} from './schema.js';
export { DEFAULT_FLOW_MEDIA_HOSTS, parseFlowMediaHost, type FlowMediaOrigin } from '../protocol/index.js';
