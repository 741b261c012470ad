/**
 * Domain errors: what went wrong, for people (never how the system is wired). Services and the
 * engine throw them; `src/server/errors.ts` maps each kind to a tRPC code and an HTTP status.
 */
export type ErrorKind =
  'BAD_REQUEST' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'TOO_MANY_REQUESTS' | 'SERVICE_UNAVAILABLE';

export class DomainError extends Error {
  constructor(
    /** Stable machine-readable code for clients, e.g. SOLD_OUT. */
    readonly code: string,
    readonly kind: ErrorKind,
    message: string,
    readonly retryAfterSec?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const SaleNotFoundError = (id: string) => new DomainError('SALE_NOT_FOUND', 'NOT_FOUND', `flashSaleId: no sale with id ${id}`);
export const SaleNotStartedError = () => new DomainError('SALE_NOT_STARTED', 'CONFLICT', 'The sale has not started yet');
export const SaleEndedError = () => new DomainError('SALE_ENDED', 'CONFLICT', 'The sale has ended');
export const SoldOutError = () => new DomainError('SOLD_OUT', 'CONFLICT', 'Sold out');
export const AlreadyPurchasedError = () =>
  new DomainError('ALREADY_PURCHASED', 'CONFLICT', 'You already bought this item (one per person)');
export const NoActiveHoldError = (detail = 'you have no hold on this sale') =>
  new DomainError('NO_ACTIVE_HOLD', 'CONFLICT', `No active hold to confirm: ${detail}`);
export const PaymentInProgressError = () =>
  new DomainError('PAYMENT_IN_PROGRESS', 'CONFLICT', 'Your payment for this hold is being processed; it can no longer be cancelled');
export const NotInQueueError = () => new DomainError('NOT_IN_QUEUE', 'NOT_FOUND', 'You are not in the queue for this sale');
export const SaleLockedError = (what: string) => new DomainError('SALE_LOCKED', 'CONFLICT', what);
export const RateLimitedError = (retryAfterSec: number) =>
  new DomainError('RATE_LIMITED', 'TOO_MANY_REQUESTS', `Too many requests; retry in ${retryAfterSec}s`, retryAfterSec);
export const ServiceUnavailableError = (what: string, retryAfterSec = 1) =>
  new DomainError('SERVICE_UNAVAILABLE', 'SERVICE_UNAVAILABLE', `${what}; please retry`, retryAfterSec);
export const UnauthorizedError = () => new DomainError('UNAUTHORIZED', 'UNAUTHORIZED', 'Sign in first');
export const ForbiddenError = () => new DomainError('FORBIDDEN', 'FORBIDDEN', 'Admins only');
export const InvalidCredentialsError = () => new DomainError('INVALID_CREDENTIALS', 'UNAUTHORIZED', 'Wrong email or password');
export const BadRequestError = (message: string) => new DomainError('BAD_REQUEST', 'BAD_REQUEST', message);
