// Background threads yield the CPU to the threads people wait on. On Linux a thread has a nice value of its
// own (setpriority on its thread id), so the dispatch and checkpoint threads can run below the HTTP and
// inbox threads: when the cores are contended, answering webhooks wins and the background catches up once
// they are free. Elsewhere (or without /proc) this does nothing.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * The kernel's id of a thread from what `readlink /proc/thread-self` gave that thread ("<pid>/task/<tid>");
 * null for anything else. A thread that cannot import this module (eval'd CommonJS) reads the link itself
 * and passes it here.
 */
export function threadIdFromLink(link: unknown): number | null {
  if (typeof link !== 'string') return null;
  const tid = Number(link.split('/').pop());
  return Number.isInteger(tid) && tid > 0 ? tid : null;
}

/** Sets the nice value (0 normal … 19 lowest) of thread `tid` of this process. Returns whether it did. */
export function lowerThreadPriority(tid: number | null, nice: number): boolean {
  if (process.platform !== 'linux' || tid === null) return false;
  try {
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}

/** Lowers the calling thread's CPU priority to `nice`. Returns whether it did. */
export function lowerThisThreadPriority(nice: number): boolean {
  let link: string;
  try {
    link = readlinkSync('/proc/thread-self');
  } catch {
    return false; // no /proc/thread-self: not Linux, or /proc not mounted
  }
  return lowerThreadPriority(threadIdFromLink(link), nice);
}
