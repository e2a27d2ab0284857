// One HTTP exchange read whole within a deadline: the status and the body text. A body that stalls
// after the headers times out too, and a fetch that does not watch its signal (an in-process app) is
// raced, so the caller always gets an answer or an error in time.

/** Whether an error is the deadline (ours or the signal's). */
export function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

export async function timedRead(
  start: (signal: AbortSignal) => Promise<Response>,
  timeoutMs: number,
): Promise<{ status: number; text: string }> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const reason = new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError');
      controller.abort(reason);
      reject(reason);
    }, timeoutMs);
  });
  try {
    const read = start(controller.signal).then(async (response) => ({
      status: response.status,
      text: await response.text(),
    }));
    // The losing side's rejection is handled here, not left unhandled.
    read.catch(() => undefined);
    return await Promise.race([read, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
