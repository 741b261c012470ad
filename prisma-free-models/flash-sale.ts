import mongoose, { type InferSchemaType, type Model } from 'mongoose';
import { PRE_QUEUE_MODES } from './constants';

const flashSaleSchema = new mongoose.Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 120 },
    description: { type: String, default: '', maxlength: 2000 },
    startingQuantity: { type: Number, required: true, min: 1 },
    /** Source of truth for stock: only ever changed by the conditional decrement in confirm. */
    currentQuantity: { type: Number, required: true, min: 0 },
    pricePerUnit: { type: Number, required: true, min: 0 },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
    /**
     * The waiting room: buyers who come before the start wait in it and are placed in the queue at
     * the opening, by lot (random) or by arrival (fifo). null: buys before the start are refused.
     */
    preQueue: { type: String, enum: PRE_QUEUE_MODES, default: null },
    /** Set while an admin has paused the sale (nothing is granted; queues keep their order). */
    pausedAt: { type: Date, default: null },
    /**
     * Confirms in flight: "g<grant token>" -> ms, set by the conditional decrement and removed once
     * the order exists (see src/engine/purchase.ts). It makes the decrement happen once per grant
     * without a multi-document transaction, and stays as small as the confirms in flight.
     */
    pendingGrants: { type: mongoose.Schema.Types.Mixed, default: {}, select: false },
    /** Figures recorded by the sale workflow when the sale closes. */
    finalFigures: {
      type: new mongoose.Schema({ sold: Number, stockLeft: Number, holdsLive: Number, queued: Number, closedAt: Date }, { _id: false }),
      default: undefined,
    },
  },
  { timestamps: true, minimize: false },
);

flashSaleSchema.index({ startsAt: 1, endsAt: 1 });

export type FlashSaleDoc = InferSchemaType<typeof flashSaleSchema> & { _id: mongoose.Types.ObjectId };

export const FlashSale: Model<InferSchemaType<typeof flashSaleSchema>> =
  (mongoose.models.FlashSale as Model<InferSchemaType<typeof flashSaleSchema>>) ?? mongoose.model('FlashSale', flashSaleSchema);
