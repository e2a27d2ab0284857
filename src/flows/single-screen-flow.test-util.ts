// A one-screen Flow JSON for validation tests: terminal screen S with `children`, and a Footer whose
// data_exchange sends `payload`.
import type { FlowJson } from '../protocol/index.js';

export function flowOf(version: string, children: unknown[], payload: Record<string, unknown>): FlowJson {
  return {
    version,
    data_api_version: '3.0',
    routing_model: { S: [] },
    screens: [
      {
        id: 'S',
        terminal: true,
        layout: {
          type: 'SingleColumnLayout',
          children: [
            ...children,
            { type: 'Footer', label: 'Send', 'on-click-action': { name: 'data_exchange', payload } },
          ],
        },
      },
    ],
  } as unknown as FlowJson;
}
