'use client';
/** The admin's live view of one sale: refreshed every second from `queue.overview`. */
import Link from 'next/link';
import { api } from '@/trpc/react';
import type { OverviewData } from '@/trpc/types';
import { errorInfo } from './errors';
import { formatDuration, formatMoney, formatTime, plural } from './format';
import { LocalTime } from './local-time';
import { SaleStatusBadge } from './status-badge';
import { DataTable } from './data-table';
import { GrantsChart } from './grants-chart';

export function QueueMonitor({ flashSaleId, justCreated }: { flashSaleId: string; justCreated: boolean }) {
  const q = api.queue.overview.useQuery({ flashSaleId }, { refetchInterval: 1_000, staleTime: 0, retry: 1 });
  if (q.isPending) return <p aria-busy="true">Loading the queue…</p>;
  if (q.isError && !q.data) {
    return (
      <div className="notice bad" role="alert">
        {errorInfo(q.error).message}
      </div>
    );
  }
  const o = q.data;
  return <MonitorView o={o} justCreated={justCreated} stale={q.isError} />;
}

function saleStatus(o: OverviewData): 'upcoming' | 'ongoing' | 'ended' {
  const now = new Date(o.serverTime).getTime();
  return now < new Date(o.sale.startsAt).getTime() ? 'upcoming' : now < new Date(o.sale.endsAt).getTime() ? 'ongoing' : 'ended';
}

function MonitorView({ o, justCreated, stale }: { o: OverviewData; justCreated: boolean; stale: boolean }) {
  const { sale } = o;
  const status = saleStatus(o);
  return (
    <div className="stack">
      {justCreated && (
        <div className="notice ok" role="status">
          Sale created. Its queue shows up here as shoppers arrive.
        </div>
      )}
      <div className="page-head">
        <div>
          <h1 style={{ marginBottom: '0.25rem' }}>{sale.name}</h1>
          <div className="row small muted">
            <SaleStatusBadge status={status} soldOut={o.remaining <= 0} />
            <span>
              {formatMoney(sale.pricePerUnit)} · <LocalTime date={sale.startsAt} /> – <LocalTime date={sale.endsAt} />
            </span>
          </div>
        </div>
        <div className="row">
          <Link className="btn small secondary" href={`/admin/sales/${sale.id}`}>
            Edit
          </Link>
          <Link className="btn small secondary" href={`/admin/orders?sale=${sale.id}`}>
            Orders
          </Link>
          <Link className="btn small secondary" href={`/sales/${sale.id}`}>
            Public page
          </Link>
        </div>
      </div>

      <p className="small muted" aria-live="off">
        Live, refreshed every second · server time {formatTime(o.serverTime)} UTC{stale ? ' · connection lost, retrying' : ''}
      </p>

      <dl className="stats" aria-label="Queue figures">
        <Stat label="In queue" value={o.queueSize} testId="stat-queue" />
        <Stat label="Holds live" value={o.holdsLive} testId="stat-holds" />
        <Stat label="Sold" value={o.sold} testId="stat-sold" />
        <Stat label="Free to grant" value={o.available} testId="stat-available" />
        <Stat label="Remaining (of starting)" value={`${o.remaining} / ${sale.startingQuantity}`} testId="stat-remaining" />
        <Stat label="Grants so far" value={o.grantsTotal} testId="stat-grants" />
        <div className="stat">
          <dt>Fast Pass</dt>
          <dd data-testid="stat-fastpass">
            <span className={`badge ${o.fastPass.active ? 'warn' : 'muted'}`}>{o.fastPass.active ? 'Active' : 'Off'}</span>
          </dd>
          <dd className="hint">
            Strict queue order when {plural(o.fastPass.threshold, 'unit')} or fewer are free ({o.fastPass.percent}% of stock).
          </dd>
        </div>
        <div className="stat">
          <dt>Reconciliation</dt>
          <dd>
            <span className={`badge ${o.reconciliation.balanced ? 'ok' : 'bad'}`} data-testid="stat-reconciliation">
              {o.reconciliation.balanced ? 'Balanced' : 'Off'}
            </span>
          </dd>
          <dd className="hint">
            sold {o.reconciliation.sold} + free {o.reconciliation.stock} + held {o.reconciliation.holdsLive} = {o.reconciliation.starting}
          </dd>
        </div>
      </dl>

      <section className="card stack" aria-labelledby="chart-title">
        <div className="panel-title">
          <h2 id="chart-title">Grants per second</h2>
          <span className="small muted">last 60 seconds</span>
        </div>
        <GrantsChart values={o.grantsPerSecond} />
        <p className="small muted" data-testid="fairness">
          Overtakes: {o.fairness.overtakes} (later arrivals served while an earlier buyer waited and then left without a unit;{' '}
          {o.fairness.leftWithoutUnit} left without one). Out-of-order grants: {o.fairness.inversions} overall,{' '}
          {o.fairness.fastPassInversions} under Fast Pass.
        </p>
        <p className="small muted" data-testid="waiting-room">
          <WaitingRoomLine room={o.fairness.waitingRoom} />
        </p>
      </section>

      <div className="grid halves">
        <section className="stack" aria-labelledby="holds-title">
          <h2 id="holds-title">Holds ({o.holds.length})</h2>
          {o.holds.length === 0 ? (
            <p className="muted">Nobody is holding a unit right now.</p>
          ) : (
            <DataTable label="Live holds" columns={['Buyer', { num: 'Time left' }, 'Workflow']}>
              {o.holds.map((h) => (
                <tr key={h.email} data-testid="hold-row">
                  <td data-label="Buyer" className="mono small">
                    {h.email}
                  </td>
                  <td data-label="Time left" className="num">
                    {formatDuration(h.secondsLeft)}
                  </td>
                  <td data-label="Workflow">
                    <a
                      href={h.temporalUrl}
                      target="_blank"
                      rel="noopener noreferrer"
                      aria-label={`Open the hold of ${h.email} in the Temporal UI (new tab)`}
                      data-workflow-id={h.workflowId}
                    >
                      Temporal UI ↗
                    </a>
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
        </section>

        <section className="stack" aria-labelledby="head-title">
          <h2 id="head-title">Front of the queue</h2>
          {o.queueHead.length === 0 ? (
            <p className="muted">Nobody is waiting.</p>
          ) : (
            <ol className="small mono" data-testid="queue-head">
              {o.queueHead.map((email) => (
                <li key={email}>{email}</li>
              ))}
            </ol>
          )}
        </section>
      </div>

      <section className="stack" aria-labelledby="grants-title">
        <h2 id="grants-title">Recent grants</h2>
        {o.recentGrants.length === 0 ? (
          <p className="muted">No unit has been granted yet.</p>
        ) : (
          <DataTable label="Recent grants" columns={['Time (UTC)', 'Buyer', { num: 'Arrival #' }, 'How']}>
            {o.recentGrants.map((g) => (
              <tr key={g.token} data-testid="grant-row">
                <td data-label="Time (UTC)" className="small">
                  {formatTime(g.at)}
                </td>
                <td data-label="Buyer" className="mono small">
                  {g.email}
                </td>
                <td data-label="Arrival #" className="num">
                  {g.arrival}
                </td>
                <td data-label="How">
                  <span className={`badge ${g.mode === 'fastpass' ? 'warn' : g.via === 'dispatch' ? 'info' : 'muted'}`}>
                    {g.mode === 'fastpass' ? 'Fast Pass' : g.via === 'dispatch' ? 'promoted' : g.via === 'buy' ? 'at buy' : 'direct'}
                  </span>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </div>
  );
}

function Stat({ label, value, testId }: { label: string; value: number | string; testId: string }) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}

/** Which waiting room the sale used (it counts as one arrival moment in the fairness figures). */
function WaitingRoomLine({ room }: { room: OverviewData['fairness']['waitingRoom'] }) {
  const order = (m: 'random' | 'fifo') => (m === 'random' ? 'random order' : 'arrival order');
  if (room.mode) {
    const size = room.size === null ? '' : `${room.size} ${room.size === 1 ? 'buyer' : 'buyers'} `;
    return (
      <>
        Waiting room: {size}placed in {order(room.mode)} at the opening (one arrival moment: they all come before later buyers).
      </>
    );
  }
  if (room.preQueue)
    return (
      <>
        Waiting room ({order(room.preQueue)} at the opening): {room.waiting} waiting.
      </>
    );
  return <>No waiting room: buys before the start are refused.</>;
}
