// A two-screen Flow JSON for tests of values carried from one screen to the next: `first` shows
// `children` and navigates to REVIEW, whose Footer sends `payload` (holding `${screen.<first>.form.…}`
// references) with data_exchange.
import type { FlowJson } from '../protocol/index.js';

export function carryFlow(first: string, children: unknown[], payload: Record<string, string>): FlowJson {
  return {
    version: '7.3',
    data_api_version: '3.0',
    routing_model: { [first]: ['REVIEW'], REVIEW: [] },
    screens: [
      {
        id: first,
        layout: {
          type: 'SingleColumnLayout',
          children: [
            ...children,
            {
              type: 'Footer',
              label: 'Next',
              'on-click-action': { name: 'navigate', next: { type: 'screen', name: 'REVIEW' }, payload: {} },
            },
          ],
        },
      },
      {
        id: 'REVIEW',
        terminal: true,
        layout: {
          type: 'SingleColumnLayout',
          children: [{ type: 'Footer', label: 'Send', 'on-click-action': { name: 'data_exchange', payload } }],
        },
      },
    ],
  } as unknown as FlowJson;
}
