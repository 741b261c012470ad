/**
 * The REST API's route table (the original system's paths under /api/v1). Each route names its input
 * schema (the same zod schemas tRPC uses), where the input comes from, who may call it, its rate
 * limit and its response schema; the router dispatches from this table and the OpenAPI document
 * is generated from it. Handlers are thin: they call the services and shape the original system's fields.
 */
import type { z } from 'zod';
import type { AppDeps } from '../deps';
import type { Session } from '../auth/session';
import { issueToken } from '../auth/session';
import type { RateAction } from '../ratelimit';
import { adminList, buy, byEmail, cancel, confirm, position, type PositionView } from '../orders/orders.service';
import { ZCreateSaleInput, ZExtendSaleInput, ZListSalesInput, ZSaleIdInput, ZSaleRefInput, ZUpdateSaleInput } from '../sales/sales.schema';
import { createSale, deleteSale, extendSale, listSales, pauseSale, resumeSale, updateSale } from '../sales/sales.service';
import { publicSale } from '../sales/public-sale';
import { overview } from '../queue/queue.service';
import { health } from '../health/health.service';
import { ZAdminSignInInput, ZShopperCodeRequest, ZShopperCodeVerify } from '../users/users.schema';
import { verifyAdmin } from '../users/users.service';
import { sendSignInCode, verifySignInCode } from '../auth/sign-in-codes';
import { SaleNotFoundError } from '../errors';
import { createPowChallenge } from '../bot/pow';
import {
  ZAdminOrdersQuery,
  ZAdminOrdersResponse,
  ZBuyResponse,
  ZByEmailResponse,
  ZCancelResponse,
  ZChallengeResponse,
  ZConfirmResponse,
  ZDeleteSaleResponse,
  ZHealthResponse,
  ZPositionResponse,
  ZPublicSaleQuery,
  ZPublicSaleResponse,
  ZQueueOverviewResponse,
  ZRestBuyerInput,
  ZRestByEmailQuery,
  ZRestConfirmInput,
  ZSaleItem,
  ZSaleListResponse,
  ZShopperCodeResponse,
  ZSignInResponse,
} from './rest.schema';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RestContext {
  deps: AppDeps;
  session: Session | null;
  ip: string;
  requestId: string;
  /** Shopper routes: the email the request acts for (src/server/auth/shopper-identity.ts). */
  shopper?: string;
}

/** The buyer a shopper route acts for (the router sets it before the handler runs). */
function shopperOf(ctx: RestContext): string {
  if (!ctx.shopper) throw new Error('a shopper route ran without a shopper');
  return ctx.shopper;
}

/** A handler's answer when it needs more than `200 + JSON of the value`. */
export class Reply {
  constructor(readonly init: { status?: number; body?: unknown; json?: string; headers?: Record<string, string> }) {}
}

export interface Route<S extends z.ZodType = z.ZodType> {
  method: Method;
  /** Path under the base path; `:name` segments are parameters, merged into the input. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: 'Flash sales' | 'Orders' | 'Bot defence' | 'Admin' | 'Auth' | 'Health';
  /**
   * public: anyone; shopper: acts for a signed-in shopper (bearer token; the email of the input is
   * checked against it, see shopper-identity.ts); admin: an admin's bearer token.
   */
  auth: 'public' | 'shopper' | 'admin';
  /** Shopper routes: an admin may name another shopper's email (reads only). */
  adminsMayName?: boolean;
  input?: { schema: S; from: 'query' | 'body' };
  rateLimit?: RateAction;
  /** Bot defence: a solved proof-of-work challenge in the X-Altcha header, checked before the handler (when on). */
  pow?: true;
  /** Success status (200 unless said otherwise). */
  status?: number;
  response: z.ZodType;
  /** Error statuses worth documenting besides 400/500 (401/403 are added for admin and shopper routes). */
  errors?: number[];
  /** Resolves to the value to send as JSON, or a Reply. */
  handle: (ctx: RestContext, input: z.output<S>) => Promise<unknown>;
}

const defineRoute = <S extends z.ZodType>(r: Route<S>): Route => r;

type OriginalPositionStatus = 'queued' | 'ready' | 'none';

/** The original system's status (queued | ready | none) beside the full one (`detail`). */
export function originalPosition(v: PositionView) {
  const status: OriginalPositionStatus = v.status === 'held' ? 'ready' : v.status === 'queued' ? 'queued' : 'none';
  return { ...v, status, detail: v.status };
}

// The same public-sale object is handed out for 250 ms: serialise it once, not per request.
const serialised = new WeakMap<object, string>();
const jsonOnce = (value: object): Reply => {
  let json = serialised.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    serialised.set(value, json);
  }
  return new Reply({ json });
};

const TOKEN_TTL_SEC = 12 * 3600;

export const routes: Route[] = [
  defineRoute({
    method: 'GET',
    path: '/flash-sales/public/sale',
    operationId: 'getPublicSale',
    summary: 'A sale with its live status (cached briefly: the same for every buyer)',
    description:
      'With `flashSaleId`: that sale. Without it (as the original system does): the sale running now, else the next upcoming one; 404 when there is none.',
    tag: 'Flash sales',
    auth: 'public',
    input: { schema: ZPublicSaleQuery, from: 'query' },
    response: ZPublicSaleResponse,
    errors: [404],
    async handle({ deps }, { flashSaleId }) {
      let id = flashSaleId;
      if (!id) {
        const sales = await listSales(deps, 'all');
        const now = Date.now();
        const current = sales.filter((s) => s.status === 'ongoing').sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())[0];
        const next = sales.filter((s) => s.startsAt.getTime() > now).sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())[0];
        id = (current ?? next)?.id;
        if (!id) throw SaleNotFoundError('(none running or upcoming)');
      }
      return jsonOnce(await publicSale(deps, id));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/orders/buy',
    operationId: 'buy',
    summary: 'Join the sale queue (FIFO); retrying is safe and returns the same place',
    description:
      'Answers with the queue position and hold state. The hold arrives asynchronously: poll `GET /orders/position` (with backoff) until `status` is `ready`, then confirm. 409 when the buyer already purchased, the sale is sold out, not started or ended.',
    tag: 'Orders',
    auth: 'shopper',
    input: { schema: ZRestBuyerInput, from: 'body' },
    rateLimit: 'buy',
    pow: true,
    response: ZBuyResponse,
    errors: [404, 409, 429],
    async handle(ctx, { flashSaleId }) {
      const r = await buy(ctx.deps, { email: shopperOf(ctx), flashSaleId });
      return { ...originalPosition(r), queued: r.queued };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/challenge',
    operationId: 'challenge',
    summary: 'A proof-of-work challenge (ALTCHA) to solve before the next buy',
    description:
      'When the bot defence is on (BOT_CHALLENGE=pow), `POST /orders/buy` needs a solved challenge in the `X-Altcha` header: find the `counter` whose SHA-256 of salt + nonce + counter (4 bytes, big-endian) starts with `keyPrefix`, then send base64(JSON `{challenge: {parameters, signature}, solution: {counter, derivedKey}}`), as the altcha widget does. Each solution joins once; the challenge expires at `parameters.expiresAt` (Unix seconds).',
    tag: 'Bot defence',
    auth: 'public',
    response: ZChallengeResponse,
    async handle({ deps }) {
      return createPowChallenge(deps.pow);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/orders/position',
    operationId: 'position',
    summary: "A buyer's place in the queue and hold state",
    description:
      '`status`: `queued` (waiting), `ready` (holding a unit: confirm before `holdTtlSec` runs out) or `none`; `detail` says which none (purchased, expired, sold_out, ...).',
    tag: 'Orders',
    auth: 'shopper',
    input: { schema: ZRestBuyerInput, from: 'query' },
    response: ZPositionResponse,
    errors: [404],
    async handle(ctx, { flashSaleId }) {
      return originalPosition(await position(ctx.deps, { email: shopperOf(ctx), flashSaleId }));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/orders/confirm',
    operationId: 'confirm',
    summary: 'Pay for the held unit (atomic decrement + order); repeating returns the same order',
    description:
      '409 NO_ACTIVE_HOLD when there is no live hold (never granted, expired or cancelled); 409 when the sale ended or sold out.',
    tag: 'Orders',
    auth: 'shopper',
    input: { schema: ZRestConfirmInput, from: 'body' },
    rateLimit: 'confirm',
    response: ZConfirmResponse,
    errors: [404, 409, 429],
    async handle(ctx, { flashSaleId }) {
      const order = await confirm(ctx.deps, { email: shopperOf(ctx), flashSaleId });
      return { ok: true, orderId: order.id, order };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/orders/cancel',
    operationId: 'cancel',
    summary: 'Leave the queue or give the held unit back',
    tag: 'Orders',
    auth: 'shopper',
    input: { schema: ZRestBuyerInput, from: 'body' },
    rateLimit: 'cancel',
    response: ZCancelResponse,
    errors: [404, 409, 429],
    async handle(ctx, { flashSaleId }) {
      return { ...originalPosition(await cancel(ctx.deps, { email: shopperOf(ctx), flashSaleId })), cancelled: true };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/orders/by-email',
    operationId: 'ordersByEmail',
    summary: "A buyer's orders, newest first (at most 200)",
    tag: 'Orders',
    auth: 'shopper',
    adminsMayName: true,
    input: { schema: ZRestByEmailQuery, from: 'query' },
    response: ZByEmailResponse,
    async handle(ctx) {
      const items = await byEmail(ctx.deps, shopperOf(ctx));
      return { items, total: items.length };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/auth/sign-in',
    operationId: 'signIn',
    summary: 'Admin sign-in: email + password -> bearer token for the admin endpoints',
    tag: 'Auth',
    auth: 'public',
    input: { schema: ZAdminSignInInput, from: 'body' },
    rateLimit: 'signin',
    response: ZSignInResponse,
    errors: [401, 429],
    async handle({ deps }, input) {
      const session = await verifyAdmin(deps, input);
      const token = await issueToken(session, TOKEN_TTL_SEC);
      return { token, tokenType: 'Bearer', expiresInSec: TOKEN_TTL_SEC, user: session };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/auth/shopper/code',
    operationId: 'requestShopperCode',
    summary: 'Shopper sign-in, step 1: email a one-time code (6 digits; it works once, for 10 minutes, with a few tries)',
    description:
      'The same answer for every email; a new code replaces the previous one. Then `POST /auth/shopper/verify` with the code. 503 when the mail could not be sent.',
    tag: 'Auth',
    auth: 'public',
    input: { schema: ZShopperCodeRequest, from: 'body' },
    rateLimit: 'code',
    response: ZShopperCodeResponse,
    errors: [429, 503],
    async handle({ deps }, input) {
      return sendSignInCode(deps, input);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/auth/shopper/verify',
    operationId: 'verifyShopperCode',
    summary: 'Shopper sign-in, step 2: email + the code from the mail -> bearer token for the shopper endpoints',
    description:
      '401 with `error.code` CODE_WRONG (the message says how many tries are left), CODE_EXPIRED, CODE_USED, CODE_DEAD (too many wrong tries) or NO_CODE: ask for a new code. 403 ADMIN_EMAIL: admins sign in with their password.',
    tag: 'Auth',
    auth: 'public',
    input: { schema: ZShopperCodeVerify, from: 'body' },
    rateLimit: 'verify',
    response: ZSignInResponse,
    errors: [401, 403, 429],
    async handle({ deps }, input) {
      const session = await verifySignInCode(deps, input);
      const token = await issueToken(session, TOKEN_TTL_SEC);
      return { token, tokenType: 'Bearer', expiresInSec: TOKEN_TTL_SEC, user: session };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/flash-sales',
    operationId: 'listSales',
    summary: 'All sales (or only live / upcoming / ended ones), newest start first',
    tag: 'Admin',
    auth: 'admin',
    input: { schema: ZListSalesInput, from: 'query' },
    response: ZSaleListResponse,
    async handle({ deps }, { scope }) {
      const items = await listSales(deps, scope);
      return { items, total: items.length };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/flash-sales',
    operationId: 'createSale',
    summary: 'Create a sale (its stock, window and price); its sale workflow starts at once',
    tag: 'Admin',
    auth: 'admin',
    input: { schema: ZCreateSaleInput, from: 'body' },
    status: 201,
    response: ZSaleItem,
    async handle({ deps }, input) {
      return createSale(deps, input);
    },
  }),
  defineRoute({
    method: 'PUT',
    path: '/flash-sales/:id',
    operationId: 'updateSale',
    summary: 'Change a sale (stock and start are locked once it has started)',
    tag: 'Admin',
    auth: 'admin',
    input: { schema: ZUpdateSaleInput, from: 'body' },
    response: ZSaleItem,
    errors: [404, 409],
    async handle({ deps }, input) {
      return updateSale(deps, input);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/flash-sales/:id/pause',
    operationId: 'pauseSale',
    summary: 'Pause a live sale: nothing is granted until it resumes; queues keep their order, live holds their deadline',
    tag: 'Admin',
    auth: 'admin',
    input: { schema: ZSaleRefInput, from: 'body' },
    response: ZSaleItem,
    errors: [404, 409],
    async handle({ deps }, { id }) {
      return pauseSale(deps, id);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/flash-sales/:id/resume',
    operationId: 'resumeSale',
    summary: 'Resume a paused sale: grants continue from the head of the queue',
    tag: 'Admin',
    auth: 'admin',
    input: { schema: ZSaleRefInput, from: 'body' },
    response: ZSaleItem,
    errors: [404],
    async handle({ deps }, { id }) {
      return resumeSale(deps, id);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/flash-sales/:id/extend',
    operationId: 'extendSale',
    summary: "Move a sale's end later (its timers follow); live holds keep their deadline",
    tag: 'Admin',
    auth: 'admin',
    input: { schema: ZExtendSaleInput, from: 'body' },
    response: ZSaleItem,
    errors: [404, 409],
    async handle({ deps }, input) {
      return extendSale(deps, input);
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/flash-sales/:id',
    operationId: 'deleteSale',
    summary: 'Delete a sale that has no orders, queue or holds',
    tag: 'Admin',
    auth: 'admin',
    input: { schema: ZSaleRefInput, from: 'query' },
    response: ZDeleteSaleResponse,
    errors: [404, 409],
    async handle({ deps }, { id }) {
      return deleteSale(deps, id);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/orders/admin/list',
    operationId: 'adminListOrders',
    summary: 'Orders, filtered by sale, status or email, paginated (`limit` is accepted for `pageSize`)',
    tag: 'Admin',
    auth: 'admin',
    input: { schema: ZAdminOrdersQuery, from: 'query' },
    response: ZAdminOrdersResponse,
    async handle({ deps }, input) {
      return adminList(deps, input);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/orders/admin/queue/:flashSaleId/overview',
    operationId: 'queueOverview',
    summary: "A sale's queue, live holds, grants per second, fairness (FIFO inversions) and reconciliation",
    tag: 'Admin',
    auth: 'admin',
    input: { schema: ZSaleIdInput, from: 'query' },
    response: ZQueueOverviewResponse,
    errors: [404],
    async handle({ deps }, { flashSaleId }) {
      return overview(deps, flashSaleId);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/health',
    operationId: 'health',
    summary: 'Whether Redis, MongoDB and Temporal answer (503 when one does not)',
    tag: 'Health',
    auth: 'public',
    response: ZHealthResponse,
    errors: [503],
    async handle({ deps }) {
      const h = await health(deps);
      // Only up/down and latency: a failing probe's message may name hosts and ports.
      const brief = (s: { ok: boolean; latencyMs: number }) => ({ ok: s.ok, latencyMs: s.latencyMs });
      const body = {
        ok: h.ok,
        services: { redis: brief(h.services.redis), mongo: brief(h.services.mongo), temporal: brief(h.services.temporal) },
        mongoKind: h.mongoKind,
      };
      return new Reply({ status: h.ok ? 200 : 503, body });
    },
  }),
];
