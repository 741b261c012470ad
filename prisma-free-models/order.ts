import mongoose, { type InferSchemaType, type Model } from 'mongoose';

import { PAYMENT_STATUSES } from './constants';

const orderSchema = new mongoose.Schema(
  {
    userEmail: { type: String, required: true, lowercase: true, trim: true },
    flashSaleId: { type: mongoose.Schema.Types.ObjectId, ref: 'FlashSale', required: true },
    paymentStatus: { type: String, enum: PAYMENT_STATUSES, required: true, default: 'paid' },
    totalAmount: { type: Number, required: true, min: 0 },
    /** The Temporal hold workflow (and grant token) that produced this order: audit trail. */
    holdWorkflowId: { type: String, required: true },
    grantToken: { type: String, required: true },
  },
  { timestamps: true },
);

// One unit per person per sale, enforced by the database as the last line of defence.
orderSchema.index({ flashSaleId: 1, userEmail: 1 }, { unique: true });
orderSchema.index({ userEmail: 1, createdAt: -1 });
orderSchema.index({ flashSaleId: 1, createdAt: -1 });

export type OrderDoc = InferSchemaType<typeof orderSchema> & { _id: mongoose.Types.ObjectId };

export const Order: Model<InferSchemaType<typeof orderSchema>> =
  (mongoose.models.Order as Model<InferSchemaType<typeof orderSchema>>) ?? mongoose.model('Order', orderSchema);
