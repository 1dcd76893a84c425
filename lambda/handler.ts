import { createHandler, createServices } from './app';
import { settingsFromEnv } from './config/settings';

/**
 * The Lambda entry point: a response-streaming handler behind a Function URL. Settings are read
 * (and checked) at load, failing fast; the configuration itself is fetched by the first request.
 */
export const handler = createHandler(createServices(settingsFromEnv()));
