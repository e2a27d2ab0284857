// Background threads yield the CPU to the threads people wait on. On Linux a thread has a nice value of its
// own (setpriority on its thread id), so the dispatch thread can run below the HTTP and inbox threads: when
// the cores are contended, answering webhooks wins and dispatch catches up once they are free. Elsewhere
// (or without /proc) this does nothing.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** Lowers the calling thread's CPU priority to `nice` (0 normal … 19 lowest). Returns whether it did. */
export function lowerThisThreadPriority(nice: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    // /proc/thread-self is "<pid>/task/<tid>" for the thread reading it.
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
