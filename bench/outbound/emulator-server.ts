// Child process entry for the outbound bench: Flowgate's emulator (a local Meta) on its own event loop and
// core, as Meta is to a real gateway. Its app is served directly so that every accepted send is timestamped
// (high resolution, epoch ms) the moment the emulator answers it; GET /_bench/receipts returns the times (/_bench/count just how many),
// POST /_bench/reset clears them between runs. Status webhooks go nowhere (no webhook URL is set).
import { serve } from '@hono/node-server';
import { performance } from 'node:perf_hooks';
import { createEmulator } from '../../src/emulator/index.js';
import { answerStatsRequests } from '../lib/child-stats.js';

const appSecret = process.env['BENCH_APP_SECRET'] ?? '';
const accessToken = process.env['BENCH_ACCESS_TOKEN'] ?? '';
const port = Number(process.env['BENCH_PORT'] ?? '0');
if (appSecret === '' || accessToken === '') throw new Error('BENCH_APP_SECRET and BENCH_ACCESS_TOKEN are required');

const emulator = createEmulator({ appSecret, accessToken, webhookUrl: null, statusDelayMs: 50 });
const SEND_PATH = /^\/v\d+\.\d+\/\d+\/messages$/;
let receipts: number[] = [];
let refused = 0;

const nowMs = (): number => performance.timeOrigin + performance.now();

async function handle(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname === '/_bench/receipts') return Response.json({ receipts, refused });
  if (url.pathname === '/_bench/count') return Response.json({ count: receipts.length, refused });
  if (url.pathname === '/_bench/reset' && request.method === 'POST') {
    receipts = [];
    refused = 0;
    return Response.json({ ok: true });
  }
  const response = await emulator.fetch(request);
  if (request.method === 'POST' && SEND_PATH.test(url.pathname)) {
    if (response.status === 200) receipts.push(nowMs());
    else refused++;
  }
  return response;
}

answerStatsRequests();
const server = serve({ fetch: handle, port, hostname: '127.0.0.1' });
const stop = (): void => {
  void emulator.close().finally(() => {
    server.close(() => process.exit(0));
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
