/**
 * Plain-Node HTTP plumbing for the REST API: request ids, bounded JSON bodies, JSON answers and
 * the one place every failure becomes an `{ error: { code, message, ... } }` answer. Failures
 * the caller did not cause say only "internal error" and a request id; the details go to the log.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ZodError } from 'zod';
import { describeZodError, zodFields } from '../input-errors';
import { DomainError, HTTP_STATUS, unavailableService } from '../errors';

/** A failure of the HTTP exchange itself (unknown route, bad JSON, body too large, ...). */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** INVALID_INPUT: messages per field, as for a schema failure. */
    readonly fields?: Record<string, string[]>,
  ) {
    super(message);
    this.name = 'RestError';
  }
}

let seq = 0;
const prefix = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;

/** The caller's X-Request-Id when it is a sane token, else a fresh one. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  if (typeof given === 'string' && /^[\w.:-]{1,64}$/.test(given)) return given;
  seq = (seq + 1) % 2_147_483_647;
  return `${prefix}-${seq.toString(36)}`;
}

const BASE_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  // Bearer tokens, not cookies: any origin may call the API from a browser.
  'access-control-allow-origin': '*',
};

export function sendJson(res: ServerResponse, status: number, body: string, requestId: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...BASE_HEADERS, 'content-length': String(Buffer.byteLength(body)), 'x-request-id': requestId, ...extra });
  res.end(body);
}

/** Reads a JSON object body of at most `limit` bytes ({} when empty). */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const type = req.headers['content-type'];
  if (type && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    return Promise.reject(new RestError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json'));
  }
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(tooLarge(req, limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const fail = (err: Error) => {
      if (done) return;
      done = true;
      reject(err);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) return fail(tooLarge(req, limit));
      chunks.push(chunk);
    });
    req.on('error', () => fail(new RestError(400, 'BAD_REQUEST', 'The request body could not be read')));
    req.on('end', () => {
      if (done) return;
      done = true;
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (!text) return resolve({});
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return reject(new RestError(400, 'INVALID_JSON', 'The request body is not valid JSON'));
      }
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        return reject(new RestError(400, 'INVALID_JSON', 'The request body must be a JSON object'));
      }
      resolve(value as Record<string, unknown>);
    });
  });
}

function tooLarge(req: IncomingMessage, limit: number): RestError {
  // Stop buffering; the rest of the upload is discarded and the connection closed after the answer.
  req.resume();
  return new RestError(413, 'PAYLOAD_TOO_LARGE', `The request body must be at most ${limit} bytes`, { connection: 'close' });
}

/** Writes the error answer for anything a handler threw. */
export function sendError(res: ServerResponse, thrown: unknown, requestId: string, where: string): void {
  const err = unavailableService(thrown) ?? thrown;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof ZodError) {
    const body = { error: { code: 'INVALID_INPUT', message: describeZodError(err), fields: zodFields(err), requestId } };
    return sendJson(res, 400, JSON.stringify(body), requestId);
  }
  if (err instanceof RestError) {
    const body = { error: { code: err.code, message: err.message, ...(err.fields ? { fields: err.fields } : {}), requestId } };
    return sendJson(res, err.status, JSON.stringify(body), requestId, err.headers);
  }
  if (err instanceof DomainError) {
    const status = HTTP_STATUS[err.kind];
    const headers: Record<string, string> = err.retryAfterSec ? { 'retry-after': String(err.retryAfterSec) } : {};
    if (status === 503 && !headers['retry-after']) headers['retry-after'] = '1';
    return sendJson(res, status, JSON.stringify({ error: { code: err.code, message: err.message, requestId } }), requestId, headers);
  }
  console.error(`[rest] ${where} failed (request ${requestId}):`, err);
  sendJson(res, 500, JSON.stringify({ error: { code: 'INTERNAL', message: 'internal error', requestId } }), requestId);
}
