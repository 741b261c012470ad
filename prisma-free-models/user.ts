import mongoose, { type InferSchemaType, type Model } from 'mongoose';

import { ROLES } from './constants';

const userSchema = new mongoose.Schema(
  {
    email: { type: String, required: true, lowercase: true, trim: true },
    /** bcrypt hash; empty for shoppers, who identify by email only. */
    passwordHash: { type: String, default: '' },
    role: { type: String, enum: ROLES, required: true, default: 'shopper' },
  },
  { timestamps: true },
);

userSchema.index({ email: 1 }, { unique: true });

export type UserDoc = InferSchemaType<typeof userSchema> & { _id: mongoose.Types.ObjectId };

export const User: Model<InferSchemaType<typeof userSchema>> =
  (mongoose.models.User as Model<InferSchemaType<typeof userSchema>>) ?? mongoose.model('User', userSchema);
