// report.md of one run: the targets first, then the comparisons, the sale, what each buyer cost,
// where the time went, and the machine and settings.
import { POW_MAX_NUMBER } from './options.js';
import { BEFORE_REWRITE, ORIGINAL, type BenchReport, type BothSides, type Latency } from './report.js';
import { BUYER_GROUPS, type ActionCounts, type GroupActions } from './temporal-actions.js';

export const fmt = {
  ms: (v: number) => (Number.isFinite(v) ? (v >= 100 ? `${Math.round(v).toLocaleString('en-US')} ms` : `${v.toFixed(1)} ms`) : 'n/a'),
  int: (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : 'n/a'),
  /** Two significant decimals for small per-unit figures. */
  num: (v: number) =>
    !Number.isFinite(v)
      ? 'n/a'
      : Math.abs(v) >= 100
        ? Math.round(v).toLocaleString('en-US')
        : v === 0 || Math.abs(v) >= 0.01
          ? v.toFixed(Math.abs(v) >= 10 ? 1 : 2)
          : v.toPrecision(2),
  pct: (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : 'n/a'),
  bytes: (v: number) => (Number.isFinite(v) ? `${v.toLocaleString('en-US')} B` : 'n/a'),
};
const { ms, int, num, pct } = fmt;

/** The REST path of each k6 endpoint name that is not `/orders/<name>`. */
const ENDPOINT_PATHS: Record<string, string> = {
  sale_status: '/flash-sales/public/sale',
  shopper_code: '/auth/shopper/code',
  shopper_verify: '/auth/shopper/verify',
  challenge: '/challenge',
};
const verdict = (ok: boolean) => (ok ? 'yes' : '**no**');

const ACTION_COLUMNS: [keyof ActionCounts, string][] = [
  ['starts', 'starts'],
  ['workflowTasks', 'workflow tasks'],
  ['signals', 'signals'],
  ['timers', 'timers'],
  ['localActivities', 'local activities'],
  ['activities', 'activities'],
  ['updates', 'updates'],
  ['upserts', 'search-attribute upserts'],
  ['actions', '**actions**'],
];

export function actionsTable(rows: [string, number | string, ActionCounts][]): string[] {
  return [
    `| buyers | count | ${ACTION_COLUMNS.map(([, h]) => h).join(' | ')} |`,
    `| --- | ---: | ${ACTION_COLUMNS.map(() => '---:').join(' | ')} |`,
    ...rows.map(
      ([name, n, c]) =>
        `| ${name} | ${typeof n === 'number' ? int(n) : n} | ${ACTION_COLUMNS.map(([k]) => (k === 'actions' ? `**${num(c[k])}**` : num(c[k]))).join(' | ')} |`,
    ),
  ];
}

export function targetsTable(r: BenchReport): string[] {
  return [
    '| target (issue 8) | measured | met |',
    '| --- | ---: | :---: |',
    ...r.targets.map((t) => `| ${t.target} | ${t.measured} | ${t.met ? 'met' : '**not met**'} |`),
  ];
}

/** The shoppers of a run, in the words of the report's header. */
export function shoppersLine(r: Pick<BenchReport, 'settings'>): string {
  const s = r.settings;
  if (s.shopperAuth === 'verified') {
    return (
      `Shoppers: \`SHOPPER_AUTH=${s.shopperAuth}\` (each signs in with a one-time code mailed to it, which k6 reads from Mailpit's API, and every request carries its bearer token, no email) ` +
      `and \`BOT_CHALLENGE=${s.botChallenge}\` (every buy carries a solved proof of work, \`BOT_CHALLENGE_MAX_NUMBER=${s.powMaxNumber ?? 'default'}\`), in the app's and the worker's environment.`
    );
  }
  return `Shoppers: \`SHOPPER_AUTH=${s.shopperAuth}\` (they buy by email, no sign-in) and \`BOT_CHALLENGE=${s.botChallenge}\` (no proof of work on buy), in the app's and the worker's environment.`;
}

/** The "verified shoppers" section: sign-in and proof-of-work figures. */
export function verifiedSection(r: BenchReport): string[] {
  const v = r.verifiedShoppers;
  if (!v) return [];
  const s = r.settings;
  const row = (step: string, l: Latency, server?: BothSides['server']) =>
    `| ${step} | ${int(l.count)} | ${ms(l.p50)} | ${ms(l.p95)} | ${ms(l.p99)} | ${ms(l.max)} | ${server ? `${ms(server.p50)} / ${ms(server.p95)}` : '-'} |`;
  const lim = s.signInLimits;
  const k6Cpu = Object.entries(r.engine?.cpuPercentOfOneCore ?? {}).find(([g]) => g.startsWith('k6'))?.[1];
  return [
    '## Verified shoppers',
    '',
    "Each shopper signed in before buying: `POST /auth/shopper/code`; its mail found through Mailpit's API (a search polled with backoff until the mail is there) and the code read from its text; " +
      '`POST /auth/shopper/verify` for a bearer token. Then a challenge (`GET /challenge`) solved in the VU and sent with the buy in `X-Altcha`; buy, position and confirm carry the token and no email. ' +
      `Mail: ${s.mail ?? 'n/a'}. ` +
      "The run's other figures (targets, requests per second, latency, failures) count the app's requests only: k6's requests to Mailpit are tagged apart.",
    '',
    '| step | count | p50 | p95 | p99 | max | server p50 / p95 |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    row('code request (`POST /auth/shopper/code`, the mail sent)', v.codeRequestMs.client, v.codeRequestMs.server),
    row('mail arrival (code request sent -> mail found in Mailpit)', v.mailArrivalMs),
    row('verify (`POST /auth/shopper/verify`)', v.verifyMs.client, v.verifyMs.server),
    row('whole sign-in (code request -> token)', v.signInMs),
    row('challenge (`GET /challenge`)', v.challengeMs.client, v.challengeMs.server),
    row(`proof-of-work solve per buy (in the VU, max number ${int(s.powMaxNumber ?? NaN)})`, v.powSolveMs),
    '',
    '| figure | value |',
    '| --- | ---: |',
    `| sign-ins (token in hand) / failed | ${int(v.signIns)} / ${int(v.signInFailures)} |`,
    `| mails not in Mailpit within the wait | ${int(v.mailTimeouts)} |`,
    `| buys refused by the bot defence (400/403 \`BOT_CHALLENGE_*\`) | ${int(v.buysRefusedByBotDefence)} |`,
    `| k6's requests to Mailpit's API (search, read, delete) / failed / search p95 | ${int(v.mailbox.requests)} / ${pct(v.mailbox.failureRate)} / ${ms(v.mailbox.searchMs.p95)} |`,
    '',
    'Client-side times include waiting for CPU in k6: the proof of work is hashing in the load generator, on the same cores as the app, ' +
      `so VUs solving at once share them${k6Cpu ? ` (k6 used ${k6Cpu.avg.toFixed(0)}% of one core on average, ${k6Cpu.max.toFixed(0)}% at peak; the whole machine ${r.engine.machineCpuPercent.avg.toFixed(0)}%)` : ''}. ` +
      `One VU alone solves the default difficulty (${int(POW_MAX_NUMBER)}) in 0.1-0.3 s here; the server-side column is what the app spent.`,
    '',
    ...(lim
      ? [
          `Sign-in rate limits per ${lim.windowSec / 60} min window: codes ${lim.codePerIp.toLocaleString('en-US')} per address and ${lim.codePerEmail} per email, ` +
            `checks ${lim.verifyPerIp.toLocaleString('en-US')} per address and ${lim.verifyPerEmail} per email. Every VU shares one address, so the per-address limits are raised; ` +
            'the per-email ones are the production defaults (each shopper signs in once).',
          '',
        ]
      : []),
  ];
}

export function markdown(r: BenchReport): string {
  const x = r.results;
  const s = r.settings;
  const m = r.machine;
  const a = r.temporalActions;
  const c = r.costs;
  const b = BEFORE_REWRITE;
  const lines: string[] = [];
  const out = (...l: string[]) => lines.push(...l);
  out(`# Flash-sale benchmark, ${s.shopperAuth} shoppers, ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC`, '');
  out(
    `${s.vus.toLocaleString('en-US')} virtual users (k6 ${m.k6.replace(/^k6 /, '')}) against ${s.stock.toLocaleString('en-US')} units, ` +
      `${s.durationSec} s scenario, on ${m.cores} vCPU (${m.cpuModel}), with k6 on the same machine${m.k6Nice ? ` at nice ${m.k6Nice} (the system under test has the cores first)` : ''}; Temporal: ${m.temporal}. ` +
      `Command: \`${r.command}\`.`,
    '',
    shoppersLine(r),
    '',
  );

  out('## Targets', '', ...targetsTable(r), '');
  const met = r.targets.filter((t) => t.met).length;
  out(
    `${met} of ${r.targets.length} targets met. Server-side figures are the app's histogram \`flashsale_http_request_duration_seconds\`, interpolated within its buckets; client-side ones are k6's.`,
    '',
  );
  out(...verifiedSection(r));

  out('## Before the engine rewrite', '');
  out(`The same scenario when a confirm was a workflow Update (${b.source}).`, '');
  out('| figure | this run | before the rewrite |', '| --- | ---: | ---: |');
  out(
    `| confirm p50 / p95 / p99, client side | ${ms(x.confirmMs.client.p50)} / ${ms(x.confirmMs.client.p95)} / ${ms(x.confirmMs.client.p99)} | ${ms(b.confirmClientMs.p50)} / ${ms(b.confirmClientMs.p95)} / ${ms(b.confirmClientMs.p99)} |`,
  );
  out(
    `| confirm p50 / p95 / p99, server side | ${ms(x.confirmMs.server.p50)} / ${ms(x.confirmMs.server.p95)} / ${ms(x.confirmMs.server.p99)} | ${ms(b.confirmServerMs.p50)} / ${ms(b.confirmServerMs.p95)} / ${ms(b.confirmServerMs.p99)} |`,
  );
  out(
    `| buy p95, client / server side | ${ms(x.buyMs.client.p95)} / ${ms(x.buyMs.server.p95)} | ${ms(b.buyClientP95Ms)} / ${ms(b.buyServerP95Ms)} |`,
  );
  out(`| buy-to-paid median (k6 \`fs_t_journey\`) | ${ms(x.buyToPaidMs.p50)} | ${ms(b.buyToPaidP50Ms)} |`);
  out(
    `| hold-to-confirm median / p95 | ${ms(x.holdToConfirmMs.p50)} / ${ms(x.holdToConfirmMs.p95)} | ${ms(b.holdToConfirmMs.p50)} / ${ms(b.holdToConfirmMs.p95)} |`,
  );
  out(
    `| Temporal actions per buyer | ${num(a.allBuyers.perBuyer.actions)} | ~${b.temporalActionsPerBuyer} (${b.temporalActionsNote}) |`,
    '',
  );

  out('## Against the original system', '');
  if (s.shopperAuth === 'verified') {
    out("The original system's shoppers did not sign in or solve a proof of work: this run's shoppers do more for each buy.", '');
  }
  out(`| figure | this run | original (${ORIGINAL.vus} VUs) | better? |`, '| --- | ---: | ---: | :---: |');
  out(
    `| requests per second (k6 \`http_reqs\` rate) | ${int(x.reqPerSec)} | ${int(ORIGINAL.reqPerSec)} | ${verdict(x.reqPerSec > ORIGINAL.reqPerSec)} |`,
  );
  out(`| p95 latency | ${ms(x.latencyMs.p95)} | ${ms(ORIGINAL.p95Ms)} | ${verdict(x.latencyMs.p95 < ORIGINAL.p95Ms)} |`);
  out(`| p99 latency | ${ms(x.latencyMs.p99)} | ${ms(ORIGINAL.p99Ms)} | ${verdict(x.latencyMs.p99 < ORIGINAL.p99Ms)} |`);
  out(`| failed requests | ${pct(x.failureRate)} | ${pct(ORIGINAL.failureRate)} | ${verdict(x.failureRate < 0.01)} (< 1%) |`);
  out(`| buy-to-hold median | ${ms(x.buyToHoldMs.p50)} | ${ms(ORIGINAL.buyToHoldMedMs)} | ${verdict(x.buyToHoldMs.p50 < 1000)} (< 1 s) |`);
  out(
    `| buy-to-hold p95 | ${ms(x.buyToHoldMs.p95)} | ${ms(ORIGINAL.buyToHoldP95Ms)} | ${verdict(x.buyToHoldMs.p95 < ORIGINAL.buyToHoldP95Ms)} |`,
  );
  out(`| oversold units | ${x.oversell} | 0 | ${verdict(x.oversell === 0)} |`);
  out(`| paid orders == stock | ${x.paidOrders} / ${x.stock} | - | ${verdict(x.paidEqualsStock)} |`, '');
  out(`k6 thresholds (failures < 1%, p95 < 2 s, p99 < 5 s, paid <= stock): **${x.thresholdsPassed ? 'passed' : 'FAILED'}**.`, '');
  out('![requests per second and latency over time](chart.png)', '');

  out('## Flash sale', '', '| figure | value |', '| --- | ---: |');
  out(`| HTTP requests | ${int(x.requests)} |`);
  out(`| requests per second during the scenario / peak (per time bucket) | ${int(x.reqPerSecDuringScenario)} / ${int(x.peakReqPerSec)} |`);
  out(
    `| latency p50 / p95 / p99 / max | ${ms(x.latencyMs.p50)} / ${ms(x.latencyMs.p95)} / ${ms(x.latencyMs.p99)} / ${ms(x.latencyMs.max)} |`,
  );
  out(`| failure rate (failed requests) | ${pct(x.failureRate)} (${int(x.failedRequests)}) |`);
  out(
    `| buy attempts / holds / paid (confirm 200) / confirm failures | ${int(x.buyAttempts)} / ${int(x.holds)} / ${int(x.confirms)} / ${int(x.confirmFailures)} |`,
  );
  out(
    `| buy-to-paid p50 / p95 / max (buy request to paid answer, client side) | ${ms(x.buyToPaidMs.p50)} / ${ms(x.buyToPaidMs.p95)} / ${ms(x.buyToPaidMs.max)} |`,
  );
  out(
    `| buy-to-hold p50 / p95 / max (client side, includes poll spacing) | ${ms(x.buyToHoldMs.p50)} / ${ms(x.buyToHoldMs.p95)} / ${ms(x.buyToHoldMs.max)} |`,
  );
  out(`| hold-to-confirm p50 / p95 | ${ms(x.holdToConfirmMs.p50)} / ${ms(x.holdToConfirmMs.p95)} |`);
  out(
    `| holds per second: average over the grant window / peak second | ${x.holdsPerSec.average.toFixed(1)} (${x.holdsPerSec.grantWindowSec.toFixed(1)} s) / ${x.holdsPerSec.peak} |`,
  );
  out(`| sold out after (scenario time) | ${x.soldOutAfterSec === null ? 'not sold out' : `${x.soldOutAfterSec.toFixed(1)} s`} |`);
  out(`| give-ups (shoppers who found it sold out / ended) | ${int(x.giveUps)} |`);
  out(`| rate-limited answers (429) | ${int(x.rateLimited)} |`);
  out(`| paid orders in MongoDB / units sold (MongoDB) / stock | ${x.paidOrders} / ${x.unitsSoldMongo} / ${x.stock} |`);
  out(`| oversold units | ${x.oversell} |`);
  out(
    `| overtakes (later arrival granted while an earlier buyer waited and then left without a unit) / buyers overtaken | ${x.overtakes} / ${x.overtaken} |`,
  );
  out(`| queued buyers who left without a unit (sold out or closed) | ${int(x.leftWithoutUnit)} |`);
  out(`| FIFO inversions (all grants / Fast Pass grants) | ${x.fifoInversions} / ${x.fastPassInversions} |`);
  out(`| reconciliation (sold + stock + live holds == initial) | ${x.reconciliationBalanced ? 'balanced' : '**unbalanced**'} |`, '');
  const e = x.saleEnd;
  out(
    `After k6 ended, the bench ended the sale (\`PUT /flash-sales/:id\` with \`endsAt\` ${2} s ahead): the sale workflow ${e.saleClosed ? 'closed' : '**did not close**'} ` +
      `${e.closeWaitSec.toFixed(1)} s later, and its hold workflows ${e.holdsStillRunning ? `had not all closed after ${e.settleWaitSec.toFixed(0)} s (**${e.holdsStillRunning} still running**)` : `had all closed ${e.settleWaitSec.toFixed(1)} s after that`}. ` +
      'Fairness, Temporal actions and costs are read after that.',
    '',
  );

  out('### Per endpoint', '');
  out(
    '| endpoint | requests | req/s | p50 | p95 | p99 | failed | server p50 / p95 / p99 |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  const serverOf = (name: string) => r.engine.serverLatencyMs.find((l) => l.route.endsWith(ENDPOINT_PATHS[name] ?? `/orders/${name}`));
  for (const [name, ep] of Object.entries(x.endpoints)) {
    const sv = serverOf(name);
    out(
      `| ${name} | ${int(ep.count)} | ${int(ep.reqPerSec)} | ${ms(ep.p50)} | ${ms(ep.p95)} | ${ms(ep.p99)} | ${pct(ep.failureRate)} | ${sv ? `${ms(sv.p50)} / ${ms(sv.p95)} / ${ms(sv.p99)}` : 'n/a'} |`,
    );
  }
  out('');

  out('## Temporal actions per buyer', '');
  out(
    `Counted from the histories of the sale's ${int(a.buyers)} hold workflows (every run; visibility query \`SaleId = '<sale>'\`) and of its sale workflow, ` +
      `read in ${a.readSec.toFixed(1)} s${a.stillRunning ? `; ${a.stillRunning} were still running and count as far as they got` : ''}` +
      `${a.extraRuns ? `; ${a.extraRuns} extra runs (a buyer's workflow continued as new, or started again after it had closed)` : ''}. ` +
      '"Actions" is what Temporal bills: starts + signals + updates + activities + local activities (marker events) + timers + search-attribute upserts; workflow tasks are shown beside them.',
    '',
  );
  const groupRows = BUYER_GROUPS.flatMap((g) => {
    const v: GroupActions | undefined = a.groups[g];
    return v ? [[`${g}, per buyer`, v.buyers, v.perBuyer] as [string, number, ActionCounts]] : [];
  });
  out(
    ...actionsTable([
      ...groupRows,
      ['all buyers, per buyer', a.allBuyers.buyers, a.allBuyers.perBuyer],
      ['all buyers, total', a.allBuyers.buyers, a.allBuyers.total],
      ['the sale workflow', '-', a.saleWorkflow],
    ]),
    '',
  );
  out(`Before the rewrite: ~${b.temporalActionsPerBuyer} actions per buyer (${b.temporalActionsNote}).`, '');

  out('## Per-buyer costs (for a capacity model)', '');
  out(
    `${int(c.buyers)} buyers joined the queue (the sale's arrival counter), ${int(c.paid)} paid; the app served ${int(c.requests)} requests during the load. ` +
      'Counters are read just before k6 starts and after the hold workflows settled' +
      (s.services.startsWith('shared')
        ? "; Redis's and MongoDB's counters are server-wide, so on shared services they include other clients' work."
        : '.'),
    '',
  );
  out('| resource | total | per buyer | per request |', '| --- | ---: | ---: | ---: |');
  out(
    `| Redis commands (those inside Lua scripts included) | ${int(c.redis.calls)} | ${num(c.redis.callsPerBuyer)} | ${num(c.redis.callsPerRequest)} |`,
  );
  out(`| Redis script calls (EVALSHA) | - | ${num(c.redis.scriptCallsPerBuyer)} | - |`);
  out(`| Redis CPU (INFO cpu, user + sys) | ${c.redis.cpuSec.toFixed(2)} s | ${num(c.redis.cpuMsPerBuyer)} ms | - |`);
  out(`| MongoDB operations | ${int(c.mongo.total)} | ${num(c.mongo.perBuyer)} | ${num(c.mongo.total / c.requests)} |`);
  out(`| MongoDB operations per paid order | - | ${num(c.mongo.perPaid)} per paid | - |`);
  out(`| app CPU per 1,000 requests | ${num(c.appCpuSecPer1000Requests)} s | - | - |`);
  out(`| Temporal actions | ${int(a.allBuyers.total.actions + a.saleWorkflow.actions)} | ${num(a.allBuyers.perBuyer.actions)} | - |`);
  out(
    `| sale document (BSON) before / after the sale | ${fmt.bytes(c.saleDoc.bytesBefore)} / ${fmt.bytes(c.saleDoc.bytesAfter)} | - | - |`,
    '',
  );
  out(
    `MongoDB operations, ${c.mongo.source}: ${
      Object.entries(c.mongo.ops)
        .sort((p, q) => q[1] - p[1])
        .map(([k, v]) => `${k} ${int(v)}`)
        .join(', ') || 'none'
    }. The engine writes ${c.mongo.engineWritesPerConfirm} times per paid confirm (conditional decrement with its marker, the order, the marker's removal). ` +
      `Confirm markers left on the sale document: ${c.saleDoc.pendingGrantsAfter}.`,
    '',
  );
  out('CPU seconds from the start of the load until the hold workflows settled:', '');
  out('| process | CPU seconds | per buyer |', '| --- | ---: | ---: |');
  for (const [g, v] of Object.entries(c.cpuSec)) out(`| ${g} | ${v.total.toFixed(1)} | ${num(v.perBuyerMs)} ms |`);
  out('');
  out('Redis commands by name (Redis counts the commands a Lua script runs as well as the script call):', '');
  out('| command | calls | per buyer | µs per call |', '| --- | ---: | ---: | ---: |');
  for (const cmd of c.redis.commands.slice(0, 20))
    out(`| ${cmd.name} | ${int(cmd.calls)} | ${num(cmd.perBuyer)} | ${num(cmd.usecPerCall)} |`);
  out('');

  if (r.ceiling) {
    const ce = r.ceiling;
    out('## Hot reads beside a plain Node `http` hello-world (same machine, same run)', '');
    out(`Closed loop, ${ce.vus} VUs, ${ce.eachSec} s per target, one target after the other; both servers are single Node processes.`, '');
    out('| target | req/s | p50 | p95 | failed | ratio to hello-world |', '| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const [name, t] of Object.entries(ce.targets))
      out(
        `| ${name} | ${int(t.reqPerSec)} | ${ms(t.p50)} | ${ms(t.p95)} | ${pct(t.failureRate)} | ${(t.ratioToHello * 100).toFixed(0)}% |`,
      );
    out('');
  }

  out('## Where the time goes (server side, during the load)', '');
  out(`CPU per process group, percent of one core (the machine has ${m.cores} cores; 100% = one core busy):`, '');
  out('| process | average | peak |', '| --- | ---: | ---: |');
  for (const [name, cp] of Object.entries(r.engine.cpuPercentOfOneCore)) out(`| ${name} | ${cp.avg.toFixed(0)}% | ${cp.max.toFixed(0)}% |`);
  out(`| whole machine (all cores) | ${r.engine.machineCpuPercent.avg.toFixed(0)}% | ${r.engine.machineCpuPercent.max.toFixed(0)}% |`, '');
  if (r.engine.eventLoopLagP99Ms !== null)
    out(`App event-loop lag p99 (prom-client, 2 s after the load): ${ms(r.engine.eventLoopLagP99Ms)}.`, '');
  out('| workflow message (Temporal client) | count | p50 | p95 | p99 |', '| --- | ---: | ---: | ---: | ---: |');
  for (const w of r.engine.workflowStartMs) out(`| ${w.op} | ${int(w.count)} | ${ms(w.p50)} | ${ms(w.p95)} | ${ms(w.p99)} |`);
  out('');
  if (r.engine.confirmStepMs?.length) {
    out('| confirm step (app) | count | p50 | p95 | p99 |', '| --- | ---: | ---: | ---: | ---: |');
    for (const st of r.engine.confirmStepMs) out(`| ${st.step} | ${int(st.count)} | ${ms(st.p50)} | ${ms(st.p95)} | ${ms(st.p99)} |`);
    out('');
  }
  if (r.startProbe) {
    const p = r.startProbe;
    out(
      `Bare workflow starts on this server after the load (nothing polls their task queue), ${int(p.starts)} at concurrency ${p.concurrency}: ` +
        `**${int(p.perSec)} starts/s**, p50 ${ms(p.p50Ms)}, p95 ${ms(p.p95Ms)}${p.errors ? `, ${p.errors} errors` : ''}.`,
      '',
    );
  }
  out(
    '| activity (worker) | count | run p50 | run p95 | wait to start p50 | wait to start p95 | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const ac of r.engine.activityMs)
    out(
      `| ${ac.activity} | ${int(ac.count)} | ${ms(ac.p50)} | ${ms(ac.p95)} | ${ms(ac.waitP50)} | ${ms(ac.waitP95)} | ${int(ac.errors)} |`,
    );
  out('');
  out('| route (app, server side) | count | p50 | p95 | p99 |', '| --- | ---: | ---: | ---: | ---: |');
  for (const h of r.engine.serverLatencyMs) out(`| ${h.route} | ${int(h.count)} | ${ms(h.p50)} | ${ms(h.p95)} | ${ms(h.p99)} |`);
  out('', 'Histogram quantiles are interpolated within buckets (1, 2.5, 5, 10, 25, 50, 100, 250, 500 ms, 1, 2.5, 5, 10, 30, 60 s).', '');

  out('## Machine and settings', '');
  out(`- CPU: ${m.cpuModel}, ${m.cores} vCPU; memory ${m.memoryGb} GB; ${m.os}, kernel ${m.kernel}; Node ${m.node}`);
  out(`- k6 ${m.k6}, Redis ${m.redis}, Temporal ${m.temporal}, MongoDB: ${m.mongo}`);
  out(
    `- Load generator, app, worker, Temporal, Redis and MongoDB all share this machine; 1-minute load average ${m.loadAverageAtStart1m} at the start, ${m.loadAverage1m} at the end ` +
      '(other users\' work on the machine shows in the CPU table as "everything else").',
  );
  out(
    `- App: ${s.appMode}; SHOPPER_AUTH=${s.shopperAuth}, BOT_CHALLENGE=${s.botChallenge}` +
      (s.shopperAuth === 'verified' ? `, BOT_CHALLENGE_MAX_NUMBER=${s.powMaxNumber}; sign-in mail: ${s.mail ?? 'n/a'}` : ''),
  );
  out(`- Services: ${s.services}`);
  const steps =
    s.shopperAuth === 'verified' ? 'public sale -> sign in (code, mail, verify) -> challenge solved -> buy' : 'public sale -> buy';
  out(
    `- Scenario: ramping VUs ${s.stages}; each iteration is a new shopper (${steps} -> position polls ${s.pollBaseMs} ms x1.5 up to ${s.pollMaxMs} ms -> confirm when ready; gives up when sold out or ended; pause after giving up ${s.giveUpPauseSec} s)`,
  );
  out(
    `- Hold: ${s.holdTtlSec} s; worker: ${s.workerConcurrency} activities at once (WORKER_CONCURRENCY); after the load, up to ${s.settleSec} s for hold workflows to close`,
  );
  const rl = s.rateLimit;
  out(
    `- Rate limits: ${rl.enabled ? 'on' : 'off'}; per ${rl.windowSec} s window: buy ${rl.buyPerIp.toLocaleString('en-US')} per address, ${rl.buyPerEmail} per email; ` +
      `confirm ${rl.confirmPerIp.toLocaleString('en-US')} per address, ${rl.confirmPerEmail} per email (every VU shares one address, so the per-address limit is raised; the per-email limit is the production default)` +
      (s.signInLimits
        ? `; per ${s.signInLimits.windowSec / 60} min window: sign-in codes ${s.signInLimits.codePerIp.toLocaleString('en-US')} per address, ${s.signInLimits.codePerEmail} per email; ` +
          `code checks ${s.signInLimits.verifyPerIp.toLocaleString('en-US')} per address, ${s.signInLimits.verifyPerEmail} per email (per-email: production defaults)`
        : ''),
    '',
  );
  out('## Files', '');
  for (const [what, file] of Object.entries(r.files)) out(`- ${what}: \`${file}\``);
  out('');
  return lines.join('\n');
}
