/**
 * Domain errors thrown by services, and the one table that maps them to tRPC codes and HTTP
 * statuses. Messages are for people: they say what went wrong, never how the system is wired.
 */
import { FailureType } from '../../temporal/shared';

export type ErrorKind =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'TOO_MANY_REQUESTS'
  | 'SERVICE_UNAVAILABLE';

export const HTTP_STATUS: Record<ErrorKind, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
  SERVICE_UNAVAILABLE: 503,
};

type FailureTypeName = (typeof FailureType)[keyof typeof FailureType];

export class DomainError extends Error {
  /** Stable machine-readable code for clients, e.g. SOLD_OUT. */
  readonly code: string;
  readonly kind: ErrorKind;
  /** Permanent failures are not retried by Temporal activities. */
  readonly permanent: boolean;
  readonly failureType: FailureTypeName | 'Domain';
  readonly retryAfterSec?: number;

  constructor(
    code: string,
    kind: ErrorKind,
    message: string,
    opts: { permanent?: boolean; failureType?: FailureTypeName; retryAfterSec?: number } = {},
  ) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.kind = kind;
    this.permanent = opts.permanent ?? true;
    this.failureType = opts.failureType ?? 'Domain';
    this.retryAfterSec = opts.retryAfterSec;
  }
}

export const SaleNotFoundError = (id: string) =>
  new DomainError('SALE_NOT_FOUND', 'NOT_FOUND', `flashSaleId: no sale with id ${id}`, { failureType: FailureType.SaleNotFound });
export const SaleNotStartedError = () => new DomainError('SALE_NOT_STARTED', 'CONFLICT', 'The sale has not started yet');
export const SaleEndedError = () =>
  new DomainError('SALE_ENDED', 'CONFLICT', 'The sale has ended', { failureType: FailureType.SaleClosed });
export const SoldOutError = () => new DomainError('SOLD_OUT', 'CONFLICT', 'Sold out', { failureType: FailureType.SoldOut });
export const AlreadyPurchasedError = () =>
  new DomainError('ALREADY_PURCHASED', 'CONFLICT', 'You already bought this item (one per person)', {
    failureType: FailureType.AlreadyPurchased,
  });
export const NoActiveHoldError = (detail = 'no active hold') =>
  new DomainError('NO_ACTIVE_HOLD', 'CONFLICT', `No active hold to confirm: ${detail}`, {
    failureType: FailureType.HoldNotActive,
  });
export const NotInQueueError = () => new DomainError('NOT_IN_QUEUE', 'NOT_FOUND', 'You are not in the queue for this sale');
export const SaleLockedError = (what: string) => new DomainError('SALE_LOCKED', 'CONFLICT', what);
export const RateLimitedError = (retryAfterSec: number) =>
  new DomainError('RATE_LIMITED', 'TOO_MANY_REQUESTS', `Too many requests; retry in ${retryAfterSec}s`, { retryAfterSec });
export const ServiceUnavailableError = (what: string) =>
  new DomainError('SERVICE_UNAVAILABLE', 'SERVICE_UNAVAILABLE', `${what} is unavailable; please retry`, { permanent: false });
export const UnauthorizedError = () => new DomainError('UNAUTHORIZED', 'UNAUTHORIZED', 'Sign in first');
export const ForbiddenError = () => new DomainError('FORBIDDEN', 'FORBIDDEN', 'Admins only');
export const InvalidCredentialsError = () => new DomainError('INVALID_CREDENTIALS', 'UNAUTHORIZED', 'Wrong email or password');
export const BadRequestError = (message: string) => new DomainError('BAD_REQUEST', 'BAD_REQUEST', message);

/** Maps a Temporal ApplicationFailure type (from an activity or update validator) to a domain error. */
export function fromFailureType(type: string | undefined, message: string): DomainError | undefined {
  switch (type) {
    case FailureType.SaleClosed:
      return SaleEndedError();
    case FailureType.SoldOut:
      return SoldOutError();
    case FailureType.AlreadyPurchased:
      return AlreadyPurchasedError();
    case FailureType.HoldNotActive:
      return NoActiveHoldError(message.replace(/^no active hold \(?|\)$/g, '') || undefined);
    default:
      return undefined;
  }
}

/** tRPC code for each kind (the HTTP status follows from it). */
export const TRPC_CODE: Record<ErrorKind, 'BAD_REQUEST' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'TOO_MANY_REQUESTS' | 'INTERNAL_SERVER_ERROR'> = {
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  SERVICE_UNAVAILABLE: 'INTERNAL_SERVER_ERROR',
};
