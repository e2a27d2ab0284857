// Public surface of the queue module.
export * from './types.js';
export { SqlQueue, type QueueTables, type JobsTable, type SqlQueueOptions } from './sql-queue.js';
export { JobWorker, type JobContext, type WorkerOptions } from './worker.js';
