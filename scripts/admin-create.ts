// npm run admin:create -- --email admin@example.com --password 'a long password'
// Creates an admin (or makes an existing user an admin with this password) in MONGODB_URI.
// The password may also come from ADMIN_PASSWORD, so it need not appear in the shell history.
import { parseArgs } from 'node:util';
import { ZAdminSignUpInput } from '../src/server/users/users.schema.js';
import { upsertAdmin } from '../src/server/users/users.service.js';
import { describeZodError } from '../src/server/input-errors.js';
import { env } from '../src/env.js';
import { mongoSettingsFromEnv } from '../src/config.js';
import { connectMongo, disconnectMongo } from '../prisma-free-models/connection.js';
import type { AppDeps } from '../src/server/deps.js';
import { describeError, fail, say } from './lib/log.js';

const usage = 'usage: npm run admin:create -- --email <email> --password <password>   (or ADMIN_PASSWORD=...)';

async function main(): Promise<number> {
  let values: { email?: string; password?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { email: { type: 'string' }, password: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (err) {
    fail('admin', `${(err as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const parsed = ZAdminSignUpInput.safeParse({ email: values.email ?? '', password: values.password ?? process.env.ADMIN_PASSWORD ?? '' });
  if (!parsed.success) {
    fail('admin', `${describeZodError(parsed.error)}\n${usage}`);
    return 2;
  }
  // Only MongoDB is needed: no Redis or Temporal connection is opened.
  const deps = { mongo: () => connectMongo(mongoSettingsFromEnv()) } as Pick<AppDeps, 'mongo'> as AppDeps;
  try {
    const { created } = await upsertAdmin(deps, parsed.data);
    say(
      'admin',
      `${created ? 'created admin' : 'updated admin (password set, role admin)'} ${parsed.data.email} in ${env.MONGO_DB} (${env.MONGO_KIND})`,
    );
    return 0;
  } catch (err) {
    fail('admin', `could not write to MongoDB at ${env.MONGODB_URI.replace(/\/\/[^@/]*@/, '//***@')}: ${describeError(err)}`);
    return 1;
  } finally {
    await disconnectMongo();
  }
}

process.exit(await main());
