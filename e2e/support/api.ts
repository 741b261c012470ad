/**
 * The app's API as a client sees it: tRPC over HTTP (superjson), next-auth's sign-in endpoints and
 * the shopper's code from the mail (Mailpit).
 * Used to set up data (sales) and to drive extra shoppers next to the browser under test.
 */
import { randomUUID } from 'node:crypto';
import { request, type APIRequestContext } from '@playwright/test';
import superjson from 'superjson';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../src/server/root';
import { e2e } from './env';
import { codeIn, mailCount, waitForMail } from '../../tests/support/mailpit';

type In = inferRouterInputs<AppRouter>;
type Out = inferRouterOutputs<AppRouter>;

export class ApiError extends Error {
  constructor(
    readonly path: string,
    readonly status: number,
    readonly body: { message?: string; data?: { domainCode?: string; code?: string } },
  ) {
    super(`${path}: HTTP ${status} ${body.data?.domainCode ?? body.data?.code ?? ''} ${body.message ?? ''}`.trim());
  }
}

async function call<T>(req: APIRequestContext, path: string, kind: 'query' | 'mutation', input: unknown): Promise<T> {
  const payload = superjson.serialize(input);
  const res =
    kind === 'mutation'
      ? await req.post(`/api/trpc/${path}`, { data: payload })
      : await req.get(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(payload))}`);
  const body = (await res.json()) as { result?: { data: Parameters<typeof superjson.deserialize>[0] }; error?: { json: ApiError['body'] } };
  if (!res.ok() || !body.result) throw new ApiError(path, res.status(), body.error?.json ?? {});
  return superjson.deserialize<T>(body.result.data);
}

/**
 * What the sale page's widget does before a buy when the bot defence is on (the e2e app runs with
 * BOT_CHALLENGE=pow): fetch a challenge, solve it, and send the payload with the buy.
 */
async function powFor(req: APIRequestContext): Promise<{ altcha?: string }> {
  const { required, challenge } = await call<Out['orders']['challenge']>(req, 'orders.challenge', 'query', undefined);
  if (!required) return {};
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error('the proof-of-work challenge could not be solved');
  const payload = {
    challenge: { parameters: challenge.parameters, signature: challenge.signature },
    solution: { counter: solution.counter, derivedKey: solution.derivedKey },
  };
  return { altcha: Buffer.from(JSON.stringify(payload)).toString('base64') };
}

/** A typed handle on the procedures the tests use. */
export function trpc(req: APIRequestContext) {
  return {
    req,
    createSale: (input: In['sales']['create']) => call<Out['sales']['create']>(req, 'sales.create', 'mutation', input),
    getSale: (id: string) => call<Out['sales']['get']>(req, 'sales.get', 'query', { id }),
    pauseSale: (id: string) => call<Out['sales']['pause']>(req, 'sales.pause', 'mutation', { id }),
    publicSale: (flashSaleId: string) => call<Out['sales']['public']>(req, 'sales.public', 'query', { flashSaleId }),
    buy: async (flashSaleId: string) => call<Out['orders']['buy']>(req, 'orders.buy', 'mutation', { flashSaleId, ...(await powFor(req)) }),
    position: (flashSaleId: string) => call<Out['orders']['position']>(req, 'orders.position', 'query', { flashSaleId }),
    confirm: (flashSaleId: string) => call<Out['orders']['confirm']>(req, 'orders.confirm', 'mutation', { flashSaleId }),
    cancel: (flashSaleId: string) => call<Out['orders']['cancel']>(req, 'orders.cancel', 'mutation', { flashSaleId }),
    overview: (flashSaleId: string) => call<Out['queue']['overview']>(req, 'queue.overview', 'query', { flashSaleId }),
  };
}
export type Api = ReturnType<typeof trpc>;

/**
 * Signs a shopper in on this request context (cookies stay in its jar) the way the page does:
 * a code is requested, read from the mail in Mailpit, and given to next-auth's shopper-code
 * sign-in.
 */
export async function signInShopper(req: APIRequestContext, email: string): Promise<void> {
  const seen = await mailCount(email);
  const sent = await req.post('/api/v1/auth/shopper/code', { data: { email } });
  if (!sent.ok()) throw new Error(`code request for ${email} failed: HTTP ${sent.status()} ${await sent.text()}`);
  const code = codeIn(await waitForMail(email, seen));
  const { csrfToken } = (await (await req.get('/api/auth/csrf')).json()) as { csrfToken: string };
  const res = await req.post('/api/auth/callback/shopper-code', {
    form: { csrfToken, email, code, json: 'true', callbackUrl: '/' },
    maxRedirects: 0,
  });
  const state = await req.storageState();
  if (!state.cookies.some((c) => c.name.endsWith('next-auth.session-token'))) {
    throw new Error(`shopper sign-in for ${email} failed: HTTP ${res.status()} ${await res.text()}`);
  }
}

export const uniqueEmail = (tag: string) => `${tag}-${randomUUID().slice(0, 8)}@example.com`;

/** An API client signed in as a brand-new shopper. */
export async function newShopperApi(tag = 'buyer'): Promise<Api & { email: string; dispose: () => Promise<void> }> {
  const req = await request.newContext({ baseURL: e2e.baseURL });
  const email = uniqueEmail(tag);
  await signInShopper(req, email);
  return { ...trpc(req), email, dispose: () => req.dispose() };
}

/** An API client with the admin's saved session (written by auth.setup.ts). */
export async function adminApi(): Promise<Api & { dispose: () => Promise<void> }> {
  const req = await request.newContext({ baseURL: e2e.baseURL, storageState: e2e.adminState });
  return { ...trpc(req), dispose: () => req.dispose() };
}

/** A sale created through the admin API; times are relative to now. */
export async function createSale(
  api: Api,
  opts: {
    quantity: number;
    price?: number;
    startsInSec?: number;
    endsInSec?: number;
    name?: string;
    description?: string;
    preQueue?: 'random' | 'fifo';
  },
) {
  const now = Date.now();
  return api.createSale({
    name: opts.name ?? `E2E sale ${randomUUID().slice(0, 6)}`,
    description: opts.description ?? 'Created by the end-to-end tests.',
    startingQuantity: opts.quantity,
    pricePerUnit: opts.price ?? 19.99,
    startsAt: new Date(now + (opts.startsInSec ?? -5) * 1000),
    endsAt: new Date(now + (opts.endsInSec ?? 600) * 1000),
    ...(opts.preQueue ? { preQueue: opts.preQueue } : {}),
  });
}

/** Polls until `fn` returns something truthy. */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
