import { TRPCClientError } from '@trpc/client';

export interface ErrorInfo {
  message: string;
  /** Domain code from the server (SOLD_OUT, SALE_ENDED, ...), if any. */
  code?: string;
  httpStatus?: number;
  fieldErrors?: Record<string, string[] | undefined>;
}

/** What a failed call means for the person using the page. */
export function errorInfo(err: unknown): ErrorInfo {
  if (err instanceof TRPCClientError) {
    const data = (err.data ?? {}) as { domainCode?: string; httpStatus?: number; fieldErrors?: Record<string, string[] | undefined> };
    const status = data.httpStatus;
    const message = status && status >= 500 ? 'Something went wrong on our side; please try again.' : err.message || 'Request failed';
    return { message, code: data.domainCode, httpStatus: status, fieldErrors: data.fieldErrors };
  }
  if (err instanceof Error) {
    return { message: /fetch|network/i.test(err.message) ? 'Network problem: check your connection and retry.' : err.message };
  }
  return { message: 'Something went wrong; please try again.' };
}
