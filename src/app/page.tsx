import { serverApi } from '@/trpc/server';
import { SaleList } from '@/components/sale-list';

export const dynamic = 'force-dynamic';

export default async function HomePage() {
  const api = await serverApi();
  const sales = await api.sales.listPublic();
  return (
    <div className="stack">
      <div className="page-head">
        <h1>Flash sales</h1>
        <p className="muted">Limited stock, one per person, first come first served.</p>
      </div>
      <SaleList initial={sales} serverNow={Date.now()} />
    </div>
  );
}
