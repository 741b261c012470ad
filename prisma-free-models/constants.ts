/** Enumerations shared by models, schemas and UI (no mongoose import, safe in the browser). */
export const PAYMENT_STATUSES = ['paid', 'refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const ROLES = ['shopper', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** How a sale's waiting room places the buyers who came before the start: by lot, or by arrival. */
export const PRE_QUEUE_MODES = ['random', 'fifo'] as const;
export type PreQueueMode = (typeof PRE_QUEUE_MODES)[number];
