/**
 * What the REST API adds to the shared input schemas: the original system's extra confirm field, and the
 * response shapes. Response schemas document the API (OpenAPI) and the contract tests parse
 * every answer with them, so the document cannot drift from what the handlers send.
 */
import { z } from 'zod';
import { ZAdminOrdersFilters } from '../orders/orders.schema';
import { DEFAULT_PAGE_SIZE, ZEmail, ZQueryPage, ZQueryPageSize, ZSaleId } from '../common.schema';
import { PAYMENT_STATUSES, ROLES } from '@models/constants';

/**
 * The buyer's email, as the original system's clients send it. The bearer token says who the
 * buyer is: the field may be left out, and any other email is refused (src/server/auth/shopper-identity.ts).
 */
const ZRestBuyerEmail = ZEmail.optional().describe(
  'Your own email: may be left out when you send a bearer token (any other is refused with 403). With SHOPPER_AUTH=open and no token: the buyer, required',
);

/** Buy, position, cancel: the sale, and who buys (see ZRestBuyerEmail). */
export const ZRestBuyerInput = z.object({ email: ZRestBuyerEmail, flashSaleId: ZSaleId }).strict();

/** The original system's clients send `totalAmount` with confirm; it is accepted and ignored (the sale's price is charged). */
export const ZRestConfirmInput = ZRestBuyerInput.extend({
  totalAmount: z.number().min(0).optional().describe('Ignored: the sale price is charged'),
}).strict();

/** Whose orders: yours (the token's) by default; admins may name anyone. */
export const ZRestByEmailQuery = z
  .object({
    email: ZEmail.optional().describe(
      "Whose orders: yours by default; another shopper's only with an admin token. With SHOPPER_AUTH=open and no token: required",
    ),
  })
  .strict();

/** The public sale: by id, or (as the original system does) the current sale, else the next upcoming one. */
export const ZPublicSaleQuery = z.object({ flashSaleId: ZSaleId.optional() }).strict();

/** The orders table from a query string: page numbers are digits; `limit` is the original system's name for pageSize. */
export const ZAdminOrdersQuery = ZAdminOrdersFilters.extend({
  page: ZQueryPage,
  pageSize: ZQueryPageSize.optional(),
  limit: ZQueryPageSize.optional().describe("The original system's name for pageSize"),
})
  .strict()
  .refine((q) => q.pageSize === undefined || q.limit === undefined, { error: 'Send pageSize or limit, not both', path: ['limit'] })
  .transform(({ limit, pageSize, ...rest }) => ({ ...rest, pageSize: pageSize ?? limit ?? DEFAULT_PAGE_SIZE }));

const ZIso = z.string().describe('ISO 8601 date-time');

export const ZErrorResponse = z.object({
  error: z.object({
    code: z.string().describe('Stable machine-readable code, e.g. INVALID_INPUT, SOLD_OUT, RATE_LIMITED'),
    message: z.string().describe('For people; names the offending field(s) for INVALID_INPUT'),
    fields: z.record(z.string(), z.array(z.string())).optional().describe('INVALID_INPUT: messages per field'),
    requestId: z.string().optional(),
  }),
});

export const ZSaleItem = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  startingQuantity: z.number().int(),
  currentQuantity: z.number().int(),
  pricePerUnit: z.number(),
  startsAt: ZIso,
  endsAt: ZIso,
  preQueue: z
    .enum(['random', 'fifo'])
    .nullable()
    .describe(
      'Waiting room before the start: its buyers are placed in the queue at the opening in a random order (random) or in arrival order (fifo); null: none, buys before the start are refused',
    ),
  pausedAt: ZIso.nullable().describe('When an admin paused the sale; null while it runs'),
  createdAt: ZIso.optional(),
  updatedAt: ZIso.optional(),
});

export const ZSaleStatus = z.enum(['upcoming', 'ongoing', 'ended']);

export const ZPublicSaleResponse = z.object({
  item: ZSaleItem,
  meta: z.object({
    status: ZSaleStatus,
    paused: z.boolean().describe('Paused by an admin: nothing is granted until it resumes (buyers may still join the queue)'),
    soldOut: z.boolean(),
    progress: z.object({ remaining: z.number().int(), starting: z.number().int(), ratio: z.number() }),
    available: z.number().int().describe('Units free to be granted right now'),
    holdsLive: z.number().int(),
    queueSize: z.number().int(),
    waitingRoomSize: z.number().int().describe('Buyers in the waiting room (before the opening; 0 after it)'),
    fastPass: z.boolean(),
    startsInSec: z.number().int(),
    endsInSec: z.number().int(),
    serverTime: ZIso,
  }),
});

export const ZPositionDetail = z.enum(['waiting', 'queued', 'held', 'purchased', 'expired', 'cancelled', 'sold_out', 'closed', 'none']);

export const ZPositionResponse = z.object({
  status: z
    .enum(['queued', 'ready', 'none'])
    .describe("The original system's status: ready = you hold a unit, confirm now (queued includes the waiting room)"),
  detail: ZPositionDetail.describe(
    'The full state: waiting (in the waiting room before the opening), queued, held, purchased, expired, cancelled, sold_out, closed, ...',
  ),
  paying: z.boolean().describe('true while a confirm of the held unit is being recorded (it can no longer be cancelled)'),
  position: z
    .number()
    .int()
    .describe(
      '1-based place in the queue; 0 when not queued; in the waiting room, the place by arrival (a random-order room draws the real one at the opening)',
    ),
  ahead: z.number().int(),
  size: z.number().int().describe('Queue length'),
  hasActiveHold: z.boolean(),
  holdTtlSec: z.number().int().describe('Seconds left on the hold; 0 when none'),
  holdExpiresAt: ZIso.nullable(),
  etaSec: z.number().int().nullable(),
  available: z.number().int(),
});

export const ZBuyResponse = ZPositionResponse.extend({
  queued: z.boolean().describe('true while waiting in the queue (false once held)'),
});

export const ZOrder = z.object({
  id: z.string(),
  flashSaleId: z.string(),
  userEmail: z.string(),
  paymentStatus: z.enum(PAYMENT_STATUSES),
  totalAmount: z.number(),
  holdWorkflowId: z.string(),
  createdAt: ZIso,
});

export const ZConfirmResponse = z.object({ ok: z.literal(true), orderId: z.string(), order: ZOrder });

/** The buyer's state after the cancel (detail: cancelled). */
export const ZCancelResponse = ZPositionResponse.extend({ cancelled: z.literal(true) });

export const ZOrderRow = ZOrder.extend({ saleName: z.string() });

export const ZByEmailResponse = z.object({ items: z.array(ZOrderRow), total: z.number().int() });

export const ZAdminOrdersResponse = z.object({
  items: z.array(ZOrderRow),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  pages: z.number().int(),
});

export const ZSaleListResponse = z.object({ items: z.array(ZSaleItem.extend({ status: ZSaleStatus })), total: z.number().int() });

export const ZDeleteSaleResponse = z.object({ id: z.string(), deleted: z.literal(true) });

export const ZQueueOverviewResponse = z.looseObject({
  sale: ZSaleItem,
  queueSize: z.number().int(),
  queueHead: z.array(z.string()),
  waitingRoomSize: z.number().int().describe('Buyers in the waiting room (before the opening)'),
  holdsLive: z.number().int(),
  sold: z.number().int(),
  available: z.number().int(),
  remaining: z.number().int(),
  fastPass: z.object({ active: z.boolean(), threshold: z.number().int(), percent: z.number() }),
  grantsTotal: z.number().int(),
  grantsPerSecond: z.array(z.number().int()).describe('Grants in each of the last 60 seconds, oldest first'),
  fairness: z.object({
    waitingRoom: z
      .object({
        preQueue: z.enum(['random', 'fifo']).nullable().describe("The sale's waiting room setting"),
        mode: z.enum(['random', 'fifo']).nullable().describe('How the room was placed at the opening (null before it, or without a room)'),
        size: z.number().int().nullable().describe('Buyers placed at the opening (null before it, or after a Redis restore)'),
        waiting: z.number().int().describe('Buyers waiting for the opening now'),
        openedAt: ZIso.nullable(),
      })
      .describe(
        'The waiting room counts as one arrival moment: its buyers take arrival numbers 1..n in their placed order, before everyone after the opening',
      ),
    inversions: z.number().int().describe('Pairs granted out of arrival order, over all grants'),
    fastPassInversions: z.number().int(),
    overtakes: z.number().int().describe('Later arrivals granted while an earlier buyer waited who then left without a unit (0 expected)'),
    overtaken: z.number().int().describe('Buyers overtaken at least once'),
    leftWithoutUnit: z.number().int().describe('Queued buyers who left without a unit because it sold out or ended'),
  }),
  holds: z.array(
    z.object({
      email: z.string(),
      token: z.string(),
      state: z.enum(['held', 'confirming']),
      expiresAt: ZIso,
      secondsLeft: z.number().int(),
      workflowId: z.string(),
      temporalUrl: z.string(),
    }),
  ),
  reconciliation: z.object({
    starting: z.number().int(),
    sold: z.number().int(),
    stock: z.number().int(),
    holdsLive: z.number().int(),
    balanced: z.boolean(),
  }),
  serverTime: ZIso,
});

const ZServiceHealth = z.object({ ok: z.boolean(), latencyMs: z.number() });

export const ZHealthResponse = z.object({
  ok: z.boolean(),
  services: z.object({ redis: ZServiceHealth, mongo: ZServiceHealth, temporal: ZServiceHealth }),
  mongoKind: z.string(),
});

export const ZShopperCodeResponse = z.object({
  sent: z.literal(true),
  email: z.string(),
  expiresInSec: z.number().int().describe('The code works this long, once'),
  triesAllowed: z.number().int().describe('Wrong codes allowed before it stops working'),
});

export const ZSignInResponse = z.object({
  token: z.string().describe('Send as `Authorization: Bearer <token>`'),
  tokenType: z.literal('Bearer'),
  expiresInSec: z.number().int(),
  user: z.object({ email: z.string(), role: z.enum(ROLES) }),
});

export const ZChallengeResponse = z.object({
  parameters: z.looseObject({
    algorithm: z.literal('SHA-256'),
    nonce: z.string().describe('hex'),
    salt: z.string().describe('hex'),
    cost: z.number().int(),
    keyLength: z.number().int(),
    keyPrefix: z.string().describe('hex: the derived key must start with it'),
    expiresAt: z.number().int().describe('Unix seconds: the challenge must be used before then'),
  }),
  signature: z.string().describe('HMAC of the parameters: send it back unchanged'),
});
