import type { Metadata } from 'next';
import { AdminSales } from '@/components/admin-sales';

export const metadata: Metadata = { title: 'Admin · Sales' };

export default function AdminHome() {
  return <AdminSales />;
}
