// Child process entry for the bench: `flowgate start`, configured by the FLOWGATE_* environment the parent
// sets. Runs the TypeScript sources through tsx (there is no compiled entry to spawn in a checkout).
import { main } from '../../src/cli/main.js';
import { answerStatsRequests } from '../lib/child-stats.js';

answerStatsRequests();
await main(['node', 'flowgate', 'start']);
