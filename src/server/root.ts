import { createCallerFactory, createTRPCRouter } from './trpc';
import { healthRouter } from './health/health.router';
import { salesRouter } from './sales/sales.router';
import { ordersRouter } from './orders/orders.router';
import { queueRouter } from './queue/queue.router';
import { usersRouter } from './users/users.router';

export const appRouter = createTRPCRouter({
  health: healthRouter,
  sales: salesRouter,
  orders: ordersRouter,
  queue: queueRouter,
  users: usersRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
