/**
 * The one table that maps domain errors (thrown by services and the engine, defined in
 * `src/engine/errors.ts`) to tRPC codes and HTTP statuses.
 */
import { ServiceUnavailableError, type DomainError, type ErrorKind } from '@/engine/errors';

export * from '@/engine/errors';

/**
 * A backing service that does not answer (Redis restarting, MongoDB or Temporal unreachable) is a
 * 503 with Retry-After the caller can act on, not an internal error: the service is named, its
 * address is not.
 */
export function unavailableService(err: unknown): DomainError | undefined {
  const e = err as { name?: string; code?: string; message?: string } | undefined;
  const text = `${e?.name ?? ''} ${e?.code ?? ''} ${e?.message ?? ''}`;
  // ioredis: a command given up on (maxRetriesPerRequest) or sent on a closed connection.
  if (/MaxRetriesPerRequest|Connection is closed|Stream isn't writeable/i.test(text))
    return ServiceUnavailableError('Redis is unavailable', 2);
  if (/^Mongo(Network|ServerSelection|NotConnected|PoolCleared)/.test(e?.name ?? ''))
    return ServiceUnavailableError('MongoDB is unavailable', 2);
  // gRPC status 14, as the Temporal client reports a server it cannot reach.
  if (/\b14 UNAVAILABLE\b/.test(text)) return ServiceUnavailableError('Temporal is unavailable', 2);
  return undefined;
}

export const HTTP_STATUS: Record<ErrorKind, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
  SERVICE_UNAVAILABLE: 503,
};

/** tRPC code for each kind (the HTTP status follows from it). */
export const TRPC_CODE: Record<
  ErrorKind,
  'BAD_REQUEST' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'TOO_MANY_REQUESTS' | 'INTERNAL_SERVER_ERROR'
> = {
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  SERVICE_UNAVAILABLE: 'INTERNAL_SERVER_ERROR',
};
