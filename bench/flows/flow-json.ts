// The flow both endpoints serve in the flows bench: a two-screen order form (name, e-mail, size,
// quantity) answered over data_exchange with a confirmation screen, and the decrypted request the
// simulated WhatsApp client sends from its first screen. Small and realistic: what is measured is the
// endpoint, not the handler.
import type { FlowJson } from '../../src/protocol/index.js';

export const FLOW_NAME = 'bench';

export const SIZES = ['s', 'm', 'l', 'xl'] as const;

export const benchFlowJson = {
  version: '7.2',
  data_api_version: '3.0',
  routing_model: { DETAILS: ['CONFIRM'], CONFIRM: [] },
  screens: [
    {
      id: 'DETAILS',
      title: 'Your order',
      layout: {
        type: 'SingleColumnLayout',
        children: [
          {
            type: 'Form',
            name: 'order',
            children: [
              { type: 'TextInput', name: 'name', label: 'Name', 'input-type': 'text', required: true },
              { type: 'TextInput', name: 'email', label: 'E-mail', 'input-type': 'email', required: true },
              {
                type: 'Dropdown',
                name: 'size',
                label: 'Size',
                required: true,
                'data-source': SIZES.map((id) => ({ id, title: id.toUpperCase() })),
              },
              { type: 'TextInput', name: 'quantity', label: 'Quantity', 'input-type': 'number', required: true },
              {
                type: 'Footer',
                label: 'Continue',
                'on-click-action': {
                  name: 'data_exchange',
                  payload: {
                    name: '${form.name}',
                    email: '${form.email}',
                    size: '${form.size}',
                    quantity: '${form.quantity}',
                  },
                },
              },
            ],
          },
        ],
      },
    },
    {
      id: 'CONFIRM',
      title: 'Confirm',
      terminal: true,
      data: {
        summary: { type: 'string', __example__: '2 × M for Ana' },
        order_id: { type: 'string', __example__: 'ORD-1' },
      },
      layout: {
        type: 'SingleColumnLayout',
        children: [
          { type: 'TextBody', text: '${data.summary}' },
          {
            type: 'Footer',
            label: 'Place order',
            'on-click-action': { name: 'complete', payload: { order_id: '${data.order_id}' } },
          },
        ],
      },
    },
  ],
} as unknown as FlowJson;

/** The decrypted data_exchange request from DETAILS, as WhatsApp's client sends it. */
export function dataExchangePayload(n: number, flowToken: string): Record<string, unknown> {
  return {
    version: '3.0',
    action: 'data_exchange',
    screen: 'DETAILS',
    data: {
      name: `Customer ${String(n)}`,
      email: `customer${String(n)}@example.com`,
      size: SIZES[n % SIZES.length] ?? 'm',
      quantity: String(1 + (n % 5)),
    },
    flow_token: flowToken,
  };
}

/** The screen handler both endpoints run: the confirmation screen for the submitted order. */
export function confirmScreen(
  data: Record<string, unknown>,
  n: number,
): { screen: string; data: Record<string, string> } {
  const quantity = typeof data['quantity'] === 'string' ? data['quantity'] : '1';
  const size = typeof data['size'] === 'string' ? data['size'].toUpperCase() : 'M';
  const name = typeof data['name'] === 'string' ? data['name'] : 'you';
  return { screen: 'CONFIRM', data: { summary: `${quantity} × ${size} for ${name}`, order_id: `ORD-${String(n)}` } };
}
