// The correctness probe of the flows bench: a status tally cannot tell a real answer from a fast error
// screen, so before and after the load a few requests are sent one by one and their answers decrypted
// the way WhatsApp's client does; each must be the CONFIRM screen with no error_message.
import { decryptFlowResponse } from '../../src/protocol/index.js';
import type { FlowRequestItem } from './requests.js';

export interface ProbeResult {
  sent: number;
  correct: number;
  /** The first few wrong answers (status and decrypted JSON, or the error). */
  problems: string[];
}

export async function probe(url: string, items: readonly FlowRequestItem[]): Promise<ProbeResult> {
  const problems: string[] = [];
  let correct = 0;
  for (const item of items) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: item.headers,
        body: item.body,
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      const answer = res.status === 200 ? decryptFlowResponse(text, item.aesKey, item.iv) : text;
      const ok =
        res.status === 200 &&
        typeof answer === 'object' &&
        answer !== null &&
        (answer as { screen?: unknown }).screen === 'CONFIRM' &&
        !('error_message' in ((answer as { data?: object }).data ?? {}));
      if (ok) correct++;
      else if (problems.length < 3) problems.push(`${String(res.status)}: ${JSON.stringify(answer).slice(0, 200)}`);
    } catch (error) {
      if (problems.length < 3) problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  return { sent: items.length, correct, problems };
}
