// The options (Flow JSON, handlers) a ready flow of src/apps/ registers with, read without a running app: for
// the commands that need a ready flow's definition by name (`flows send`, `flows push`).
import { registerApps } from '../apps/index.js';
import { APP_NAMES, type AppName } from '../config/schema.js';
import type { FlowOptions } from '../flows/index.js';

export function isReadyFlow(name: string): name is AppName {
  return (APP_NAMES as readonly string[]).includes(name);
}

/** What the ready flow `name` registers with (its default options), or undefined for any other name. */
export function readyFlowOptions(name: string): FlowOptions | undefined {
  if (!isReadyFlow(name)) return undefined;
  let captured: FlowOptions | undefined;
  // Registering only builds the definition; the storage it would use is never touched.
  registerApps({ flow: (_n, options) => (captured = options), gateway: { store: { db: {} } } }, [name]);
  return captured;
}
