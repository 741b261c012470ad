/**
 * The security headers of every answer (pages, tRPC, REST, metrics), set by the app's one request
 * handler before anything else writes. Pages get a per-request nonce: Next.js reads it from the
 * request's Content-Security-Policy header and puts it on the inline scripts it renders, so no
 * page needs 'unsafe-inline' or 'unsafe-eval' for scripts.
 */
import { randomBytes } from 'node:crypto';

export interface SecurityHeaderOptions {
  /** Set for pages rendered by Next.js: allows its inline scripts carrying this nonce. */
  nonce?: string;
  /** The client reached us over https (directly or through a trusted proxy): add HSTS. */
  https: boolean;
  /** `next dev` evaluates its modules with eval (React Refresh, source maps). */
  dev: boolean;
}

export const newNonce = () => randomBytes(16).toString('base64');

export function contentSecurityPolicy({ nonce, dev }: Pick<SecurityHeaderOptions, 'nonce' | 'dev'>): string {
  const script = ["'self'", nonce ? `'nonce-${nonce}'` : '', dev ? "'unsafe-eval'" : ''].filter(Boolean).join(' ');
  return [
    "default-src 'self'",
    `script-src ${script}`,
    // React renders style="..." attributes, which a nonce cannot cover; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function securityHeaders(opts: SecurityHeaderOptions): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(opts),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    // frame-ancestors says the same to current browsers; this one is for older ones.
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    ...(opts.https ? { 'strict-transport-security': 'max-age=63072000; includeSubDomains' } : {}),
  };
}
