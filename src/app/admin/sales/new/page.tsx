import type { Metadata } from 'next';
import { SaleForm } from '@/components/sale-form';

export const metadata: Metadata = { title: 'Admin · New sale' };

export default function NewSalePage() {
  return (
    <div className="stack">
      <h1>New sale</h1>
      <SaleForm />
    </div>
  );
}
