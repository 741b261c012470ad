import mongoose from 'mongoose';
import { env } from '@/env';

const globalForMongo = globalThis as unknown as { flashSaleMongo?: Promise<typeof mongoose> };

/**
 * Connects mongoose once per process. Collections are created implicitly by the first insert
 * (`autoCreate: false`): the offline stand-in (jongodb) has no `create` command, and real MongoDB
 * behaves the same either way.
 */
export function connectMongo(uri: string = env.MONGODB_URI): Promise<typeof mongoose> {
  globalForMongo.flashSaleMongo ??= (async () => {
    mongoose.set('strictQuery', true);
    const conn = await mongoose.connect(uri, {
      dbName: env.MONGO_DB,
      autoCreate: false,
      autoIndex: true,
      serverSelectionTimeoutMS: 5_000,
      // Polling topology checks: the stand-in mishandles the streaming (moreToCome) protocol
      // under load and the driver then clears the pool mid-request. Same behaviour on mongod.
      serverMonitoringMode: 'poll',
      maxPoolSize: 50,
    });
    // Declared indexes (unique email, unique order per buyer and sale) must exist before traffic.
    await Promise.all(Object.values(conn.models).map((m) => m.init()));
    return conn;
  })().catch((err) => {
    globalForMongo.flashSaleMongo = undefined;
    throw err;
  });
  return globalForMongo.flashSaleMongo;
}

export async function disconnectMongo(): Promise<void> {
  if (!globalForMongo.flashSaleMongo) return;
  globalForMongo.flashSaleMongo = undefined;
  await mongoose.disconnect();
}

/** Which server answers: a real mongod, or the wire-compatible jongodb stand-in. */
export async function mongoServerKind(): Promise<string> {
  const conn = await connectMongo();
  const info = await conn.connection.db!.admin().command({ buildInfo: 1 });
  return info.gitVersion === 'jongodb' ? 'jongodb stand-in' : `MongoDB ${String(info.version)}`;
}
