// The text of a thrown value, for logs, dead letters and messages between threads.
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
