/**
 * Import this first in a test file: the file's MongoDB database gets a random name of its own,
 * so the test can compare every collection before and after while other runs share the server.
 * It must run before src/env.ts is evaluated (env reads MONGO_DB once).
 */
import { randomBytes } from 'node:crypto';

process.env.MONGO_DB = `test_${randomBytes(5).toString('hex')}`;
