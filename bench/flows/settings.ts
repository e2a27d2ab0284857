// Settings, targets and the figures' shape of the flows bench (shared by index.ts and report.ts).
import { availableParallelism } from 'node:os';
import type { LoadResult } from '../lib/load.js';
import type { Measured } from '../lib/phase.js';
import type { Ceiling } from './ceiling.js';
import type { ProbeResult } from './probe.js';

export const SETTINGS = {
  poolSize: 3_000,
  tokens: 500,
  ceilingS: 4,
  connections: 32,
  pipelining: 1,
  durationS: 8,
  warmupS: 2,
  halfRateS: 8,
  halfRateWarmupS: 1,
  /** The shorter runs: Flowgate in one process, and the cluster with synchronous=normal (diagnostic). */
  singleProcessS: 5,
  probeRequests: 20,
  workers: availableParallelism(),
} as const;

export const TARGETS = { ofCeiling: 0.8, ofBaseline: 1.5, p99AtHalfMaxMs: 20 } as const;

/** The better of the two runs of the ceiling on every core (the one the host slowed less). */
export function bestCeiling(f: Pick<FlowsFigures, 'ceilingAll' | 'ceilingAllAfter'>): Ceiling {
  return f.ceilingAllAfter.opsPerSecond > f.ceilingAll.opsPerSecond ? f.ceilingAllAfter : f.ceilingAll;
}

export interface EndpointFigures {
  label: string;
  processes: number;
  max: Measured<LoadResult>;
  half: Measured<LoadResult> | null;
  probeBefore: ProbeResult;
  probeAfter: ProbeResult;
}

export interface FlowsFigures {
  ceilingOne: Ceiling;
  ceilingAll: Ceiling;
  /**
   * The ceiling on every core again, after the endpoints: the host's other tenants can slow a 4 s window
   * by a third (7,155/s in one run, 4,683/s in the next on the same machine), so the ratios take the better.
   */
  ceilingAllAfter: Ceiling;
  /** Diagnostic: the ceiling's work behind bare node:http, one process per core (bare-http-server.ts). */
  bareHttp: EndpointFigures;
  baseline: EndpointFigures;
  flowgate: EndpointFigures;
  flowgateCluster: EndpointFigures;
  /** Diagnostic: the cluster with FLOWGATE_SQLITE_SYNC=normal (commits not fsynced). */
  flowgateNormalSync: EndpointFigures;
  poolSeconds: number;
}
