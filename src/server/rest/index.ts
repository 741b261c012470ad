export { createRestHandler, restHandler, REST_BASE_PATH, type RestOptions } from './router';
export { buildOpenApi } from './openapi';
export { routes } from './routes';
