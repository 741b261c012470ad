/**
 * `npm run bench -- --shopper-auth=verified`: its options, the app environment it sets (one
 * production accepts), the k6 shoppers' reading of their sign-in mail from a real Mailpit (the
 * same API calls and helpers as load/lib/shopper.js), and the report's verified section.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { parseEnv } from '@/env';
import { signInCodeMail } from '@/server/auth/sign-in-codes';
import { mailSearchPath, newestMailTo, signInCodeIn, type MailpitSummary } from '../load/lib/mail.js';
import { startPrivateMailpit, type MailpitProcess } from '../scripts/lib/mailpit';
import { appMetric, verifiedFigures } from '../scripts/bench/figures';
import { chartInputOf } from '../scripts/bench/chart';
import { markdown, shoppersLine, verifiedSection } from '../scripts/bench/markdown';
import { DEFAULTS, parseOptions, POW_MAX_NUMBER } from '../scripts/bench/options';
import { freePort } from '../scripts/bench/private-services';
import type { BenchReport } from '../scripts/bench/report';
import { shopperEnv } from '../scripts/bench/stack';

describe('bench: verified shoppers', () => {
  it('--shopper-auth is open by default, verified on request; anything else, a bad difficulty or a difficulty for open shoppers is refused by name', () => {
    assert.equal(parseOptions([]).shopperAuth, 'open', 'open by default');
    const v = parseOptions(['--', '--shopper-auth=verified', '--pow-max-number=20000']);
    assert.deepEqual({ mode: v.shopperAuth, max: v.powMaxNumber }, { mode: 'verified', max: 20_000 }, 'both options read');
    assert.equal(parseOptions(['--shopper-auth=verified']).powMaxNumber, POW_MAX_NUMBER, 'the default difficulty');
    assert.throws(() => parseOptions(['--shopper-auth=closed']), /--shopper-auth must be one of open, verified, got "closed"/);
    assert.throws(
      () => parseOptions(['--shopper-auth=verified', '--pow-max-number=5']),
      /--pow-max-number must be a whole number >= 10, got "5"/,
    );
    assert.throws(() => parseOptions(['--shopper-auth=verified', '--pow-max-number=1e9']), /--pow-max-number must be at most 100,000,000/);
    assert.throws(() => parseOptions(['--pow-max-number=20000']), /--pow-max-number .* add --shopper-auth=verified/);
  });

  it("sets an app environment production accepts: open by email without proof of work, or verified with codes by mail, proof of work and the sign-in's per-address limits raised", () => {
    const base = { NODE_ENV: 'production', NEXTAUTH_SECRET: randomUUID() + randomUUID(), NEXTAUTH_URL: 'http://localhost:3300' };
    const open = parseEnv({ ...base, ...shopperEnv(DEFAULTS) });
    assert.deepEqual(
      { auth: open.SHOPPER_AUTH, pow: open.BOT_CHALLENGE },
      { auth: 'open', pow: 'off' },
      'open: by email, no proof of work',
    );

    const opts = { ...DEFAULTS, shopperAuth: 'verified' as const, powMaxNumber: 20_000 };
    assert.throws(() => shopperEnv(opts), /need an SMTP server/, 'verified shoppers need somewhere to get their codes');
    const e = parseEnv({ ...base, ...shopperEnv(opts, 'smtp://127.0.0.1:40000') });
    const defaults = parseEnv({});
    assert.deepEqual(
      { auth: e.SHOPPER_AUTH, open: e.ALLOW_OPEN_SHOPPERS, smtp: e.SMTP_URL, pow: e.BOT_CHALLENGE, max: e.BOT_CHALLENGE_MAX_NUMBER },
      { auth: 'verified', open: false, smtp: 'smtp://127.0.0.1:40000', pow: 'pow', max: 20_000 },
      'verified: codes by mail, a proof of work per buy',
    );
    assert.equal(e.BOT_CHALLENGE_HMAC_KEY.length >= 32, true, 'a fresh key production accepts');
    assert.notEqual(
      e.BOT_CHALLENGE_HMAC_KEY,
      parseEnv({ ...base, ...shopperEnv(opts, 'smtp://127.0.0.1:40000') }).BOT_CHALLENGE_HMAC_KEY,
      'one key per run',
    );
    assert.deepEqual(
      { code: e.RATE_LIMIT_CODE_PER_IP, verify: e.RATE_LIMIT_VERIFY_PER_IP },
      { code: DEFAULTS.perIp, verify: DEFAULTS.perIp },
      'per address: raised, every VU shares one',
    );
    assert.deepEqual(
      { code: e.RATE_LIMIT_CODE_PER_EMAIL, verify: e.RATE_LIMIT_VERIFY_PER_EMAIL, window: e.RATE_LIMIT_AUTH_WINDOW_SECONDS },
      {
        code: defaults.RATE_LIMIT_CODE_PER_EMAIL,
        verify: defaults.RATE_LIMIT_VERIFY_PER_EMAIL,
        window: defaults.RATE_LIMIT_AUTH_WINDOW_SECONDS,
      },
      "per email: production's defaults",
    );
  });

  it('reads the code out of the sign-in mail the app sends, and nothing out of other text', () => {
    const mail = signInCodeMail('a@load.test', '042917', 600);
    assert.equal(signInCodeIn(mail.text), '042917', `the code in:\n${mail.text}`);
    assert.equal(signInCodeIn('Your order 1234567 is paid'), null, 'no code in a mail without one');
    assert.equal(signInCodeIn(undefined), null, 'no text, no code');
  });

  it("picks the newest mail to exactly the address from a search answer (Mailpit's to: matches substrings)", () => {
    const search = {
      messages: [
        { ID: 'newest-other', To: [{ Address: 'xk6-1-1@load.test' }] },
        { ID: 'mine-new', To: [{ Address: 'K6-1-1@load.test' }] },
        { ID: 'mine-old', To: [{ Address: 'k6-1-1@load.test' }] },
      ],
    };
    assert.equal(newestMailTo(search, 'k6-1-1@load.test')?.ID, 'mine-new', 'the first exact match, case aside');
    assert.equal(newestMailTo({ messages: [] }, 'k6-1-1@load.test'), null, 'none yet');
    assert.equal(newestMailTo(null, 'k6-1-1@load.test'), null, 'no answer');
    assert.equal(mailSearchPath('a+b@load.test'), '/api/v1/search?query=to%3A%22a%2Bb%40load.test%22&limit=5');
  });

  describe("against a Mailpit of the run's own", () => {
    let mailpit: MailpitProcess;
    let dir: string;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'bench-mailpit-'));
      mailpit = await startPrivateMailpit({ smtpPort: await freePort(), httpPort: await freePort(), logFile: join(dir, 'mailpit.log') });
    });
    after(async () => {
      await mailpit?.proc.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    const api = async (path: string, init?: RequestInit): Promise<string> => {
      const res = await fetch(`${mailpit.apiUrl}${path}`, { ...init, signal: AbortSignal.timeout(5000) });
      const body = await res.text();
      assert.equal(res.status, 200, `${init?.method ?? 'GET'} ${path}: ${res.status} ${body}`);
      return body;
    };
    const search = async (email: string) => JSON.parse(await api(mailSearchPath(email))) as { messages: MailpitSummary[] };

    it('finds the newest code mailed to a shopper, reads its text, and deletes it (as the k6 shoppers do)', async () => {
      assert.notEqual(mailpit.smtpUrl, 'smtp://127.0.0.1:1025', 'not the shared Mailpit');
      const transport = nodemailer.createTransport({ url: mailpit.smtpUrl } as never);
      const email = `k6-${randomUUID().slice(0, 8)}-1-1@load.test`;
      try {
        for (const code of ['111111', '222222'])
          await transport.sendMail({ from: 'no-reply@bench.local', ...signInCodeMail(email, code, 600) });
        await transport.sendMail({ from: 'no-reply@bench.local', ...signInCodeMail(`x${email}`, '333333', 600) });
      } finally {
        transport.close();
      }

      const found = newestMailTo(await search(email), email);
      assert.ok(found, `a mail to ${email} in the search`);
      const message = JSON.parse(await api(`/api/v1/message/${found.ID}`)) as { Text: string };
      assert.equal(signInCodeIn(message.Text), '222222', 'the newest code, not the one it replaced nor another address');

      await api('/api/v1/messages', {
        method: 'DELETE',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ IDs: [found.ID] }),
      });
      const left = await search(email);
      assert.ok(!left.messages.some((m) => m.ID === found.ID), 'the read mail is gone');
      assert.equal(newestMailTo(left, email)?.ID !== undefined, true, 'the older mail is still there');
    });
  });

  it("takes the app's share of k6's figures when Mailpit's requests are tagged apart, and the sign-in figures from their trends", () => {
    const lat = (med: number) => ({ count: 3, avg: med, min: 1, med, max: med * 2, 'p(95)': med + 1, 'p(99)': med + 2 });
    const mt = {
      http_reqs: { count: 130, rate: 13 },
      'http_reqs{target:app}': { count: 100, rate: 10 },
      fs_t_code_request: lat(40),
      fs_t_mail_arrival: lat(60),
      fs_t_verify: lat(20),
      fs_t_sign_in: lat(90),
      fs_t_pow_solve: lat(150),
      'http_req_duration{name:challenge}': lat(5),
      'http_req_duration{name:mailbox_search}': lat(2),
      'http_req_duration{name:mailbox_read}': lat(1),
      'http_req_failed{name:mailbox_search}': { passes: 1, fails: 2, value: 1 / 3 },
      fs_sign_ins: { count: 3 },
      fs_buy_refused_pow: { count: 1 },
    };
    assert.equal(appMetric(mt, 'http_reqs')?.count, 100, "verified: the app's requests");
    assert.equal(appMetric({ http_reqs: { count: 7 } }, 'http_reqs')?.count, 7, 'open: every request is the app’s');
    const v = verifiedFigures(mt, []);
    assert.deepEqual(
      {
        code: v.codeRequestMs.client.p50,
        mail: v.mailArrivalMs.p95,
        verify: v.verifyMs.client.p50,
        pow: v.powSolveMs.p95,
        challenge: v.challengeMs.client.p50,
      },
      { code: 40, mail: 61, verify: 20, pow: 151, challenge: 5 },
      'each step from its trend',
    );
    assert.deepEqual(
      {
        signIns: v.signIns,
        failed: v.signInFailures,
        refused: v.buysRefusedByBotDefence,
        mailbox: v.mailbox.requests,
        failure: v.mailbox.failureRate,
      },
      { signIns: 3, failed: 0, refused: 1, mailbox: 6, failure: 1 / 6 },
      'counts, and Mailpit requests apart',
    );
  });

  it('says which shoppers ran in the header and the settings, and has a verified section only for verified runs', () => {
    const lat = { count: 2, avg: 10, p50: 10, p95: 20, p99: 30, max: 40 };
    const both = { client: lat, server: { count: 2, p50: 5, p95: 8, p99: 9 } };
    const settings = {
      shopperAuth: 'verified',
      botChallenge: 'pow',
      powMaxNumber: 100_000,
      mail: 'a Mailpit of this run',
      signInLimits: { windowSec: 900, codePerIp: 1e6, codePerEmail: 5, verifyPerIp: 1e6, verifyPerEmail: 15 },
    };
    const verifiedShoppers = {
      signIns: 2,
      signInFailures: 0,
      mailTimeouts: 0,
      codeRequestMs: both,
      mailArrivalMs: lat,
      verifyMs: both,
      signInMs: lat,
      challengeMs: both,
      powSolveMs: lat,
      buysRefusedByBotDefence: 0,
      mailbox: { requests: 6, failureRate: 0, searchMs: lat },
    };
    const r = { settings, verifiedShoppers } as unknown as BenchReport;
    assert.match(shoppersLine(r), /SHOPPER_AUTH=verified.*BOT_CHALLENGE=pow.*BOT_CHALLENGE_MAX_NUMBER=100000/);
    const section = verifiedSection(r).join('\n');
    for (const text of [
      '## Verified shoppers',
      '| code request',
      '| mail arrival',
      '| verify',
      '| proof-of-work solve per buy',
      'buys refused by the bot defence',
      '5 per email',
      '15 per email',
    ]) {
      assert.ok(section.includes(text), `the section has "${text}"`);
    }
    const open = { settings: { shopperAuth: 'open', botChallenge: 'off' } } as unknown as BenchReport;
    assert.match(shoppersLine(open), /SHOPPER_AUTH=open.*BOT_CHALLENGE=off/);
    assert.deepEqual(verifiedSection(open), [], 'no verified section for open shoppers');
  });

  it('renders the committed verified run: its header names the mode, it has the sign-in figures and a chart; the same run as open shoppers has neither', () => {
    const report = JSON.parse(readFileSync('docs/benchmarks/verified-short/report.json', 'utf8')) as BenchReport;
    const md = markdown(report);
    assert.match(md, /^# Flash-sale benchmark, verified shoppers, /, 'the header says verified');
    for (const text of ['SHOPPER_AUTH=verified', 'BOT_CHALLENGE=pow', '## Verified shoppers', '| mail arrival', '| target (issue 8) |'])
      assert.ok(md.includes(text), `the report has "${text}"`);
    assert.equal(chartInputOf(report).title, 'Flash sale: 200 VUs, 50 units', 'bench:chart reads it');

    const asOpen = {
      ...report,
      settings: { ...report.settings, shopperAuth: 'open', botChallenge: 'off' },
      verifiedShoppers: undefined,
    } as BenchReport;
    const openMd = markdown(asOpen);
    assert.match(openMd, /^# Flash-sale benchmark, open shoppers, /, 'the header says open');
    assert.ok(openMd.includes('`SHOPPER_AUTH=open` (they buy by email, no sign-in) and `BOT_CHALLENGE=off`'), 'open mode says so');
    assert.ok(!openMd.includes('## Verified shoppers'), 'no verified section');
  });
});
