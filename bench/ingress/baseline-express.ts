// Child process entry for the bench baseline: the webhook handler most WhatsApp tutorials show. Express 5,
// the raw body, HMAC-SHA256 compared in constant time, JSON.parse, every message pushed into an array in
// memory, 200. Nothing is durable: a crash loses everything received.
import { createHmac, timingSafeEqual } from 'node:crypto';
import express from 'express';
import { answerStatsRequests } from '../lib/child-stats.js';

const appSecret = process.env['BASELINE_APP_SECRET'] ?? '';
const port = Number(process.env['BASELINE_PORT'] ?? '3000');
if (appSecret === '') throw new Error('BASELINE_APP_SECRET is required');

interface WebhookPayload {
  entry?: { changes?: { value?: { messages?: unknown[] } }[] }[];
}

const received: unknown[] = [];
const app = express();

app.get('/healthz', (_req, res) => {
  res.sendStatus(200);
});

app.post('/webhook', express.raw({ type: '*/*', limit: '4mb' }), (req, res) => {
  const header = req.get('x-hub-signature-256') ?? '';
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const expected = Buffer.from(`sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`);
  const given = Buffer.from(header);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    res.sendStatus(401);
    return;
  }
  const payload = JSON.parse(body.toString('utf8')) as WebhookPayload;
  for (const entry of payload.entry ?? []) {
    for (const change of entry.changes ?? []) {
      for (const message of change.value?.messages ?? []) received.push(message);
    }
  }
  res.sendStatus(200);
});

answerStatsRequests();
const server = app.listen(port, '127.0.0.1');
const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
