/**
 * The compose stack (docker-compose.yml, ops/) and the native PostgreSQL-backed Temporal server
 * are configured from separate files; these checks keep them saying the same thing: the Temporal
 * version tested natively, its dynamic config, the search attributes, Grafana's data source.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTool } from '../scripts/lib/provision';
import { TEMPORAL_SERVER, TEMPORAL_UI_SERVER } from '../scripts/lib/tools';
import { runCapture } from '../scripts/lib/proc';
import { SEARCH_ATTRIBUTES, TEMPORAL_DYNAMIC_CONFIG } from '../scripts/lib/temporal-server';
import { postgresServerPorts, temporalDatabases, writeServerConfig } from '../scripts/lib/temporal-postgres';

const repoFile = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const read = (path: string) => readFileSync(repoFile(path), 'utf8');
const compose = read('docker-compose.yml');
const bare = (v: string) => v.replace(/^v/, '');

/** `key:\n  - value: x` entries of a dynamic config file (the only shape ours use). */
function dynamicConfigValues(yaml: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [, key, value] of yaml.matchAll(/^([\w.]+):\s*\n\s+- value: (\S+)\s*$/gm)) out[key!] = value!;
  return out;
}

/** `server validate-dynamic-config FILE` prints a warning per unknown key or badly typed value. */
async function validateDynamicConfig(file: string): Promise<string> {
  const server = await ensureTool(TEMPORAL_SERVER);
  const r = await runCapture(server, ['validate-dynamic-config', file], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  return `${r.stdout}${r.stderr}`;
}

describe('compose stack and native Temporal agree', () => {
  it('compose runs the Temporal server, admin tools and UI of the versions tested natively', () => {
    const images = [...compose.matchAll(/^\s+image: (temporalio\/[\w-]+):(\S+)$/gm)].map(([, name, tag]) => ({ name: name!, tag: tag! }));
    const tag = (name: string) => images.find((i) => i.name === name)?.tag;
    assert.equal(tag('temporalio/server'), bare(TEMPORAL_SERVER.go!.version));
    assert.equal(tag('temporalio/admin-tools')?.split('-')[0], bare(TEMPORAL_SERVER.go!.version));
    assert.equal(tag('temporalio/ui'), bare(TEMPORAL_UI_SERVER.go!.version));
    assert.ok(!images.some((i) => i.name === 'temporalio/temporal' || i.name === 'temporalio/auto-setup'), 'no dev server, no auto-setup');
    assert.match(compose, /^\s+NUM_HISTORY_SHARDS: "4"$/m);
  });

  it('compose registers the search attributes the workflows use', () => {
    const line = /^SEARCH_ATTRIBUTES="([^"]*)"$/m.exec(read('ops/temporal/setup.sh'))?.[1];
    assert.ok(line, 'ops/temporal/setup.sh sets SEARCH_ATTRIBUTES');
    assert.deepEqual(
      line.split(/\s+/).sort(),
      Object.entries(SEARCH_ATTRIBUTES)
        .map(([name, type]) => `${name}:${type}`)
        .sort(),
    );
  });

  it("compose's dynamic config has the limits of the native servers, and the server accepts every key", async () => {
    const file = repoFile('ops/temporal/dynamicconfig.yaml');
    assert.deepEqual(dynamicConfigValues(readFileSync(file, 'utf8')), TEMPORAL_DYNAMIC_CONFIG);
    assert.doesNotMatch(await validateDynamicConfig(file), /warning/i);
  });

  it('the native server config written for PostgreSQL passes the same check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'temporal-config-'));
    try {
      const dbs = temporalDatabases('temporal_config_check');
      writeServerConfig({
        dir,
        ports: postgresServerPorts(7800),
        dbs,
        pg: { host: '127.0.0.1', port: 5432, user: 'postgres', password: '' },
      });
      assert.doesNotMatch(await validateDynamicConfig(join(dir, 'dynamicconfig.yaml')), /warning/i);
      const config = readFileSync(join(dir, 'config', 'flash-sale.yaml'), 'utf8');
      const parsed = JSON.parse(config.slice(config.indexOf('\n') + 1)) as { persistence: { numHistoryShards: number } };
      assert.equal(parsed.persistence.numHistoryShards, 4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the dashboard's data source is the provisioned Prometheus", () => {
    const uid = /^\s+uid: (\S+)$/m.exec(read('ops/grafana/provisioning/datasources/prometheus.yml'))?.[1];
    const dashboard = read('ops/grafana/dashboards/flash-sale.json');
    const uids = new Set([...dashboard.matchAll(/"uid": "([^"]+)"/g)].map(([, u]) => u).filter((u) => u !== 'flash-sale'));
    assert.deepEqual([...uids], [uid]);
  });

  it('no secret has a default in the compose file', () => {
    for (const name of ['NEXTAUTH_SECRET', 'BOT_CHALLENGE_HMAC_KEY', 'POSTGRES_PASSWORD', 'GRAFANA_ADMIN_PASSWORD', 'SMTP_URL']) {
      const uses = [...compose.matchAll(new RegExp(`\\$\\{${name}([^}]*)\\}`, 'g'))].map(([, rest]) => rest!);
      assert.ok(uses.length > 0, `${name} is used`);
      for (const rest of uses) assert.match(rest, /^:\?/, `\${${name}${rest}} must fail when unset, not default`);
    }
    assert.doesNotMatch(compose, /change-me|PASSWORD: (?!\$)/i);
  });
});
