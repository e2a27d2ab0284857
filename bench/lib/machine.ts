// Whole-machine CPU time (Linux /proc/stat), to tell how much of the cores other processes took during a
// run: on a shared machine that is the first thing to rule out before reading any figure.
import { readFileSync } from 'node:fs';

/** CPU seconds all processes have spent busy since boot, or null where /proc/stat does not exist. */
export function machineBusySeconds(): number | null {
  try {
    const first = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    // cpu  user nice system idle iowait irq softirq steal ...  (in USER_HZ, 100 per second on Linux)
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = first
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return (user + nice + system + irq + softirq + steal) / 100;
  } catch {
    return null;
  }
}
