// What a screen's components say, found once per screen. Finding it walks the layout, which cost more than
// the rest of input validation on every data_exchange. A registered flow's Flow JSON is deep-frozen
// (FlowDefinition), so it cannot change under the cache; any other screen is walked on every call.
import type { Screen } from '../protocol/index.js';

/** `compute`, remembered per frozen screen. */
export function perFrozenScreen<T extends object>(compute: (screen: Screen) => T): (screen: Screen) => T {
  const cache = new WeakMap<Screen, T>();
  return (screen) => {
    const cached = cache.get(screen);
    if (cached !== undefined) return cached;
    const value = compute(screen);
    if (Object.isFrozen(screen) && Object.isFrozen(screen.layout.children)) cache.set(screen, value);
    return value;
  };
}
