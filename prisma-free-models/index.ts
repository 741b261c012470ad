export { connectMongo, disconnectMongo } from './connection';
export { FlashSale, type FlashSaleDoc } from './flash-sale';
export { Order, type OrderDoc } from './order';
export { User, type UserDoc } from './user';
export { PAYMENT_STATUSES, ROLES, type PaymentStatus, type Role } from './constants';
