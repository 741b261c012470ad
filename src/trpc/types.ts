import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/root';

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;

export type PublicSaleData = RouterOutputs['sales']['public'];
export type SaleListItem = RouterOutputs['sales']['listPublic'][number];
export type AdminSale = RouterOutputs['sales']['list'][number];
export type PositionData = RouterOutputs['orders']['position'];
export type OrderData = RouterOutputs['orders']['confirm'];
export type OverviewData = RouterOutputs['queue']['overview'];
export type HealthData = RouterOutputs['health']['check'];
