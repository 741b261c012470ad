/**
 * The confirm's final step, run as an activity by the hold workflow: the atomic MongoDB decrement
 * (source of truth), the order, then the Redis hold becomes a sale. Every step is idempotent, so
 * activity retries never decrement twice for one hold (no multi-document transaction needed).
 */
import type { Redis } from 'ioredis';
import { FlashSale, Order } from '@models/index';
import { saleScripts } from '../redis/scripts';
import { AlreadyPurchasedError, NoActiveHoldError, SaleEndedError, SaleNotFoundError, SoldOutError } from '../errors';
import type { OrderView } from '../../../temporal/shared';

export interface FinalizeInput {
  saleId: string;
  email: string;
  /** Grant token of the hold: the idempotency key of the decrement. */
  token: string;
  holdWorkflowId: string;
}

type OrderLean = {
  _id: unknown;
  flashSaleId: unknown;
  userEmail: string;
  paymentStatus: string;
  totalAmount: number;
  holdWorkflowId: string;
  grantToken?: string;
  createdAt?: Date;
};

export const toOrderView = (o: OrderLean): OrderView => ({
  id: String(o._id),
  flashSaleId: String(o.flashSaleId),
  userEmail: o.userEmail,
  paymentStatus: o.paymentStatus,
  totalAmount: o.totalAmount,
  holdWorkflowId: o.holdWorkflowId,
  createdAt: (o.createdAt ?? new Date()).toISOString(),
});

export async function finalizeOrder({ redis }: { redis: Redis }, input: FinalizeInput): Promise<OrderView> {
  const { saleId, email, token } = input;
  const scripts = saleScripts(redis);

  const existing = await Order.findOne({ flashSaleId: saleId, userEmail: email }).lean<OrderLean>();
  if (existing) {
    if (existing.grantToken !== token) throw AlreadyPurchasedError();
    await scripts.consume(saleId, email, token); // a retry after the order was written
    return toOrderView(existing);
  }

  const snap = await scripts.status(saleId, email);
  if (snap.hold?.token !== token) throw NoActiveHoldError('hold expired');

  const grantField = `confirmedGrants.g${token}`;
  const now = new Date();
  const dec = await FlashSale.updateOne(
    { _id: saleId, startsAt: { $lte: now }, endsAt: { $gt: now }, currentQuantity: { $gt: 0 }, [grantField]: { $exists: false } },
    { $inc: { currentQuantity: -1 }, $set: { [grantField]: true } },
  );
  const sale = await FlashSale.findById(saleId).select(`pricePerUnit startsAt endsAt currentQuantity +${grantField}`).lean<{
    pricePerUnit: number;
    startsAt: Date;
    endsAt: Date;
    confirmedGrants?: Record<string, boolean>;
  }>();
  if (!sale) throw SaleNotFoundError(saleId);
  if (dec.modifiedCount !== 1 && !sale.confirmedGrants?.[`g${token}`]) {
    // Not decremented for this hold, now or by an earlier attempt: the sale refused it.
    if (now < sale.startsAt || now >= sale.endsAt) throw SaleEndedError();
    throw SoldOutError();
  }

  let order: OrderLean;
  try {
    const created = await Order.create({
      flashSaleId: saleId,
      userEmail: email,
      paymentStatus: 'paid',
      totalAmount: sale.pricePerUnit,
      holdWorkflowId: input.holdWorkflowId,
      grantToken: token,
    });
    order = created.toObject() as OrderLean;
  } catch (err) {
    if ((err as { code?: number }).code !== 11000) throw err;
    order = (await Order.findOne({ flashSaleId: saleId, userEmail: email }).lean<OrderLean>())!;
    if (order.grantToken !== token) throw AlreadyPurchasedError();
  }
  await scripts.consume(saleId, email, token);
  return toOrderView(order);
}
