import mongoose from 'mongoose';
import { env } from '@/env';

const globalForMongo = globalThis as unknown as { flashSaleMongo?: Promise<typeof mongoose> };

/**
 * Connects mongoose once per process. The offline stand-in (jongodb) has no `create` command, so
 * collections are created implicitly by the first insert (`autoCreate: false`) there.
 */
export function connectMongo(uri: string = env.MONGODB_URI, kind = env.MONGO_KIND): Promise<typeof mongoose> {
  globalForMongo.flashSaleMongo ??= (async () => {
    mongoose.set('strictQuery', true);
    const conn = await mongoose.connect(uri, {
      dbName: env.MONGO_DB,
      autoCreate: kind !== 'jongodb',
      autoIndex: true,
      serverSelectionTimeoutMS: 5_000,
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
