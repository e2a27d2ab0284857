// Child process entry for a diagnostic of the flows bench: the ceiling's work (ceiling-work.ts) behind a
// bare node:http server, one cluster process per core, each unwrapping inline. No signature check, no flow
// token, no validation, no storage, no error handling worth the name: not an endpoint anyone should run,
// but the most any Node.js HTTP endpoint can answer on these cores, HTTP included. Set beside the crypto
// ceiling (no HTTP), it shows what HTTP alone costs here, and how far below that bound Flowgate is.
import cluster from 'node:cluster';
import { createPrivateKey } from 'node:crypto';
import { createServer } from 'node:http';
import { answerStatsRequests, env } from '../lib/child-stats.js';
import { runClusterPrimary } from '../lib/cluster-primary.js';
import { ceilingWork } from './ceiling-work.js';

if (cluster.isPrimary) {
  runClusterPrimary(Number(env('BENCH_WORKERS')), Number(env('BENCH_READY_PORT')));
} else {
  const key = createPrivateKey(env('BARE_PRIVATE_KEY'));
  createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let answer: string;
      try {
        answer = ceilingWork(Buffer.concat(chunks).toString('utf8'), key);
      } catch {
        res.writeHead(421).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(answer) }).end(answer);
    });
  })
    // A cluster worker's listen goes through the primary over the IPC channel, which the stats answerer
    // unrefs: it starts once listening.
    .listen(Number(env('BARE_PORT')), '127.0.0.1', answerStatsRequests);
}
