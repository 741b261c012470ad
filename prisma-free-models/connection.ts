import mongoose from 'mongoose';

const globalForMongo = globalThis as unknown as { flashSaleMongo?: Promise<typeof mongoose> };

export interface MongoSettings {
  uri: string;
  dbName: string;
}

/**
 * Connects mongoose once per process (later calls share the connection). The caller passes the
 * settings: the models never read the environment. Collections are created implicitly by the first
 * insert (`autoCreate: false`): the offline stand-in (jongodb) has no `create` command, and real
 * MongoDB behaves the same either way.
 */
export function connectMongo({ uri, dbName }: MongoSettings): Promise<typeof mongoose> {
  globalForMongo.flashSaleMongo ??= (async () => {
    mongoose.set('strictQuery', true);
    const conn = await mongoose.connect(uri, {
      dbName,
      autoCreate: false,
      // Indexes are built below, explicitly and awaited: mongoose's automatic build would run
      // again on every reconnect, racing a disconnect (tests start and stop several engines).
      autoIndex: false,
      serverSelectionTimeoutMS: 5_000,
      // Polling topology checks: the stand-in mishandles the streaming (moreToCome) protocol
      // under load and the driver then clears the pool mid-request. Same behaviour on mongod.
      serverMonitoringMode: 'poll',
      maxPoolSize: 50,
      // A confirm holds a lease on its hold (see src/engine/purchase.ts): no MongoDB call may hang
      // past it silently.
      socketTimeoutMS: 10_000,
    });
    // Declared indexes (unique email, unique order per buyer and sale) must exist before traffic.
    await Promise.all(Object.values(conn.models).map((m) => m.createIndexes()));
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
  const info = await mongoose.connection.db!.admin().command({ buildInfo: 1 });
  return info.gitVersion === 'jongodb' ? 'jongodb stand-in' : `MongoDB ${String(info.version)}`;
}
