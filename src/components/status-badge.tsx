const LABELS: Record<string, string> = {
  upcoming: 'Upcoming',
  ongoing: 'Live',
  ended: 'Ended',
  soldout: 'Sold out',
};

/** Sale status as a badge; "sold out" wins over "live". */
export function SaleStatusBadge({ status, soldOut = false }: { status: 'upcoming' | 'ongoing' | 'ended'; soldOut?: boolean }) {
  const key = soldOut && status !== 'upcoming' ? 'soldout' : status;
  return (
    <span className={`badge ${key}`} data-testid="sale-status">
      {LABELS[key]}
    </span>
  );
}

/** An order's payment status as a badge. */
export function PaymentStatusBadge({ status }: { status: string }) {
  return <span className={`badge ${status === 'paid' ? 'ok' : 'muted'}`}>{status}</span>;
}
