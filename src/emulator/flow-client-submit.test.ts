// submit() and back() of the emulator's Flow client against a small real endpoint on loopback:
// the Footer's action is taken from the Flow JSON and its payload resolved from the form values,
// the screen's data, earlier screens and literals; data_exchange goes to the endpoint, navigate
// stays on the phone (its payload checked against the next screen's model), complete sends the
// nfm_reply with picker files as Cloud API media; back goes to the endpoint only from a screen
// with refresh_on_back.

import { afterEach, describe, expect, it } from 'vitest';
import {
  complete,
  dataExchange,
  documentPicker,
  dropdown,
  field,
  flow,
  footer,
  ifElse,
  navigate,
  optIn,
  option,
  radioButtonsGroup,
  ref,
  checkboxGroup,
  embeddedLink,
  navigationItem,
  navigationList,
  openUrl,
  updateData,
  validateFlowJson,
  screen,
  textArea,
  textInput,
  type FlowJson,
} from '../protocol/index.js';
import {
  TOKEN,
  WA_ID,
  acknowledged,
  closeAll,
  emulatorWithKey,
  isErrorReport,
  newKey,
  onClose,
  startEndpoint,
  uploadKey,
  type Answer,
} from './flow-client.test-util.js';
import { createWebhookReceiver } from './testing.js';

afterEach(closeAll);

/** START (data_exchange) → DETAILS (navigate, or data_exchange when no slots) → CONFIRM (complete). */
function testFlow(options: { detailsRefreshOnBack?: boolean; confirmExtra?: boolean } = {}): FlowJson {
  return flow({
    version: '7.3',
    dataApiVersion: '3.0',
    routingModel: { START: ['DETAILS'], DETAILS: ['CONFIRM'], CONFIRM: [] },
    screens: [
      screen('START', {
        title: 'Start',
        data: { greeting: field.string('Hi') },
        children: [
          textInput({ name: 'name', label: 'Name', required: true }),
          dropdown({ name: 'size', label: 'Size', dataSource: [option('s', 'Small'), option('m', 'Medium')] }),
          textArea({ name: 'notes', label: 'Notes' }),
          optIn({ name: 'newsletter', label: 'Newsletter', initValue: true }),
          footer(
            'Next',
            dataExchange({
              name: ref.form('name'),
              size: ref.form('size'),
              notes: ref.form('notes'),
              newsletter: ref.form('newsletter'),
              greeting: ref.data('greeting'),
              source: 'emulator',
              nested: { who: ref.form('name') },
              tag: "`'#' ${form.size}`",
            }),
          ),
        ],
      }),
      screen('DETAILS', {
        title: 'Details',
        ...(options.detailsRefreshOnBack === true ? { refreshOnBack: true } : {}),
        data: { slots: field.options([{ id: 'a', title: 'A' }]), count: field.number(1) },
        children: [
          radioButtonsGroup({ name: 'slot', label: 'Slot', required: true, dataSource: ref.data('slots') }),
          ifElse(
            '${data.count} > 0',
            [
              footer(
                'Review',
                navigate('CONFIRM', {
                  slot: ref.form('slot'),
                  name: ref.screen('START').form('name'),
                  greeting: ref.screen('START').data('greeting'),
                  ...(options.confirmExtra === true ? { extra: 'not declared' } : {}),
                }),
              ),
            ],
            [footer('Ask again', dataExchange({ slot: ref.form('slot') }))],
          ),
        ],
      }),
      screen('CONFIRM', {
        title: 'Confirm',
        terminal: true,
        data: { slot: field.string('a'), name: field.string('Ada'), greeting: field.string('Hi') },
        children: [
          documentPicker({ name: 'doc', label: 'Document', maxUploadedDocuments: 1 }),
          footer('Send', complete({ slot: ref.data('slot'), who: ref.data('name'), doc: ref.form('doc') })),
        ],
      }),
    ],
  });
}

const details = (count: number): Answer => ({
  status: 200,
  body: { screen: 'DETAILS', data: { slots: [{ id: 'a', title: 'A' }], count } },
});

async function open(json: FlowJson, answer: (payload: Record<string, unknown>) => Answer, webhookUrl?: string) {
  const endpoint = await startEndpoint(answer);
  const { emulator, ready } = emulatorWithKey(endpoint.state.key, webhookUrl === undefined ? {} : { webhookUrl });
  await ready;
  await emulator.listen();
  const session = emulator.flowClient({
    endpointUrl: endpoint.url,
    waId: WA_ID,
    flowToken: TOKEN,
    flowJson: json,
    contextMessageId: 'wamid.flow-message',
    retryDelayMs: 0,
  });
  return { endpoint, emulator, session, sent: () => endpoint.state.received.map((r) => r.payload) };
}

const start: Answer = { status: 200, body: { screen: 'START', data: { greeting: 'Hello' } } };

describe('flow client submit()', () => {
  it('walks data_exchange → navigate → complete from the Flow JSON', async () => {
    const receiver = createWebhookReceiver({ appSecret: 'flow-client-app-secret' });
    const webhookUrl = await receiver.listen();
    onClose(() => receiver.close());
    const { emulator, session, sent } = await open(
      testFlow(),
      (p) => (p.action === 'INIT' ? start : details(2)),
      webhookUrl,
    );
    await session.init();

    expect(await session.submit('START', { name: 'Ada', size: 'm' })).toMatchObject({
      kind: 'screen',
      screen: 'DETAILS',
    });
    expect(sent()[1]).toEqual({
      version: '3.0',
      action: 'data_exchange',
      screen: 'START',
      // notes was left empty: its reference is left out; newsletter keeps its init value.
      data: {
        name: 'Ada',
        size: 'm',
        newsletter: true,
        greeting: 'Hello',
        source: 'emulator',
        nested: { who: 'Ada' },
        tag: '#m',
      },
      flow_token: TOKEN,
    });

    // navigate happens on the phone: nothing reaches the endpoint.
    const confirm = await session.submit('DETAILS', { slot: 'a' });
    expect(confirm).toMatchObject({
      kind: 'screen',
      screen: 'CONFIRM',
      data: { slot: 'a', name: 'Ada', greeting: 'Hello' },
    });
    expect(sent()).toHaveLength(2);
    expect(session.currentScreen).toBe('CONFIRM');

    const bytes = new Uint8Array(Buffer.from('%PDF-1.4 a document'));
    const doc = session.uploadMedia(bytes, 'doc.pdf', 'application/pdf');
    const done = await session.submit('CONFIRM', { doc: [doc] });
    expect(done).toMatchObject({ kind: 'completed', responseJson: { flow_token: TOKEN, slot: 'a', who: 'Ada' } });
    expect(session.currentScreen).toBeNull();
    await emulator.idle();
    const message = JSON.parse(receiver.received[0]?.body ?? '{}') as {
      entry: { changes: { value: { messages: { interactive: { nfm_reply: { response_json: string } } }[] } }[] }[];
    };
    const responseJson = JSON.parse(
      message.entry[0]!.changes[0]!.value.messages[0]!.interactive.nfm_reply.response_json,
    ) as Record<string, unknown>;
    expect(responseJson).toMatchObject({ flow_token: TOKEN, slot: 'a', who: 'Ada' });
    // The picker file goes out as a Cloud API media object (SPEC B.4), downloadable like any media.
    const media = (responseJson as { doc: { id: string; file_name: string; mime_type: string }[] }).doc;
    expect(media).toEqual([
      {
        file_name: 'doc.pdf',
        mime_type: 'application/pdf',
        sha256: expect.any(String) as unknown,
        id: expect.any(String) as unknown,
      },
    ]);
    expect(emulator.media(media[0]!.id)?.bytes).toEqual(bytes);
    await expect(session.submit('CONFIRM', {})).rejects.toThrow(/closed/);
  });

  it('a tapped option with no action for the tap changes the form only; the Footer then sends it', async () => {
    const json = flow({
      version: '7.3',
      dataApiVersion: '3.0',
      routingModel: { START: [] },
      screens: [
        screen('START', {
          title: 'Start',
          terminal: true,
          children: [
            checkboxGroup({ name: 'tags', label: 'Tags', dataSource: [option('red', 'Red'), option('blue', 'Blue')] }),
            footer('Send', dataExchange({ tags: ref.form('tags') })),
          ],
        }),
      ],
    });
    expect(validateFlowJson(json).filter((f) => f.severity === 'error')).toEqual([]);
    const { session, sent } = await open(json, () => ({ status: 200, body: { screen: 'START', data: {} } }));
    await session.init();
    expect(await session.submit('START', {}, { component: 'tags', item: 'red' })).toEqual({
      kind: 'selected',
      screen: 'START',
      form: { tags: ['red'] },
    });
    await session.submit('START', {}, { component: 'tags', item: 'blue' });
    // Unselecting, with no on-unselect-action anywhere, is a tap like any other.
    expect(await session.submit('START', {}, { component: 'tags', item: 'red' })).toMatchObject({
      form: { tags: ['blue'] },
    });
    expect(sent()).toHaveLength(1);
    await session.submit('START');
    expect(sent()[1]).toMatchObject({ action: 'data_exchange', data: { tags: ['blue'] } });
  });

  it('presses the Footer of the If branch the screen shows', async () => {
    const { session, sent } = await open(testFlow(), (p) => (p.action === 'INIT' ? start : details(0)));
    await session.init();
    await session.submit('START', { name: 'Ada' });
    await session.submit('DETAILS', { slot: 'a' });
    expect(sent()[2]).toMatchObject({ action: 'data_exchange', screen: 'DETAILS', data: { slot: 'a' } });
  });

  it('refuses what a user could not do, without sending anything', async () => {
    const { session, sent } = await open(testFlow(), (p) => (p.action === 'INIT' ? start : details(1)));
    await session.init();
    await expect(session.submit('START', { size: 'm' })).rejects.toThrow(/"name" of screen "START" is required/);
    await expect(session.submit('START', { name: 'Ada', nickname: 'A' })).rejects.toThrow(/no input named "nickname"/);
    await expect(session.submit('START', { name: 'Ada', size: 'xl' })).rejects.toThrow(/offers no option "xl"/);
    await expect(session.submit('DETAILS', { slot: 'a' })).rejects.toThrow(/shows screen "START"/);
    await expect(session.submit('START', { name: 'Ada' }, { component: 'missing' })).rejects.toThrow(/no component/);
    expect(sent().map((p) => p.action)).toEqual(['INIT']);
  });

  it('checks a navigate payload against the next screen like the client, locally', async () => {
    const { session, sent } = await open(testFlow({ confirmExtra: true }), (p) =>
      p.action === 'INIT' ? start : isErrorReport(p) ? acknowledged : details(1),
    );
    await session.init();
    await session.submit('START', { name: 'Ada' });
    await expect(session.submit('DETAILS', { slot: 'a' })).rejects.toMatchObject({
      name: 'FlowClientError',
      code: 'payload-schema-error',
      status: null,
      message: expect.stringContaining('"extra"') as unknown,
    });
    expect(session.currentScreen).toBe('DETAILS');
    // No endpoint answer was wrong, so no error notification either.
    expect(sent().filter(isErrorReport)).toEqual([]);
  });

  it('needs the Flow JSON', async () => {
    const endpoint = await startEndpoint(() => start);
    const { emulator, ready } = emulatorWithKey(endpoint.state.key);
    await ready;
    const session = emulator.flowClient({ endpointUrl: endpoint.url, waId: WA_ID, flowToken: TOKEN });
    await expect(session.submit('START', {})).rejects.toThrow(/needs the Flow JSON/);
  });
});

describe('flow client back()', () => {
  it('goes back locally from a screen without refresh_on_back, with the data it had', async () => {
    const { session, sent } = await open(testFlow(), (p) => (p.action === 'INIT' ? start : details(1)));
    await session.init();
    await session.submit('START', { name: 'Ada' });
    await session.submit('DETAILS', { slot: 'a' });
    expect(await session.back()).toMatchObject({
      kind: 'screen',
      screen: 'DETAILS',
      data: { slots: [{ id: 'a', title: 'A' }], count: 1 },
    });
    expect(await session.back('DETAILS')).toMatchObject({ screen: 'START', data: { greeting: 'Hello' } });
    await expect(session.back()).rejects.toThrow(/first screen/);
    expect(sent().map((p) => p.action)).toEqual(['INIT', 'data_exchange']);
    // Back on START, the user can go forward again.
    await session.submit('START', { name: 'Grace' });
    expect(sent()[2]).toMatchObject({ screen: 'START', data: { name: 'Grace' } });
  });

  it('sends BACK from a screen with refresh_on_back and shows what the endpoint answers', async () => {
    const { session, sent } = await open(testFlow({ detailsRefreshOnBack: true }), (p) =>
      p.action === 'data_exchange'
        ? details(1)
        : { status: 200, body: { screen: 'START', data: { greeting: 'Again' } } },
    );
    await session.init();
    await session.submit('START', { name: 'Ada' });
    expect(await session.back()).toMatchObject({ screen: 'START', data: { greeting: 'Again' } });
    expect(sent().at(-1)).toEqual({ version: '3.0', action: 'BACK', screen: 'DETAILS', data: {}, flow_token: TOKEN });
    // The refreshed data is what the next submit resolves ${data.greeting} against.
    await session.submit('START', { name: 'Ada' });
    expect(sent().at(-1)).toMatchObject({ action: 'data_exchange', data: { greeting: 'Again' } });
  });
});

/** MENU (NavigationList) → PICK (options with update_data, a link, data_exchange) → DONE. */
function menuFlow(): FlowJson {
  return flow({
    version: '7.3',
    dataApiVersion: '3.0',
    routingModel: { MENU: ['PICK'], PICK: ['DONE'], DONE: [] },
    screens: [
      screen('MENU', {
        title: 'Menu',
        children: [
          navigationList({
            name: 'menu',
            listItems: [
              navigationItem('pizza', { title: 'Pizza' }, { onClickAction: navigate('PICK', { note: 'plain' }) }),
              navigationItem('help', { title: 'Help' }, { onClickAction: dataExchange({ asked: 'help' }) }),
            ],
          }),
        ],
      }),
      screen('PICK', {
        title: 'Toppings',
        data: { note: field.string('plain') },
        children: [
          textInput({ name: 'who', label: 'Name' }),
          checkboxGroup({
            name: 'toppings',
            label: 'Toppings',
            maxSelectedItems: 2,
            dataSource: [
              option('ham', 'Ham', { onSelectAction: updateData({ note: 'with meat' }) }),
              option('olive', 'Olive'),
            ],
          }),
          embeddedLink('Allergens', openUrl('https://example.com/allergens')),
          footer(
            'Order',
            dataExchange({ note: ref.data('note'), toppings: ref.form('toppings'), who: ref.form('who') }),
          ),
        ],
      }),
      screen('DONE', { title: 'Done', terminal: true, children: [footer('Close', complete())] }),
    ],
  });
}

describe('flow client submit(): items, update_data and open_url', () => {
  it('is a Flow JSON the validator passes', () => {
    expect(validateFlowJson(menuFlow())).toEqual([]);
  });

  it('taps NavigationList items, updates screen data locally and keeps the form across local actions', async () => {
    const { session, sent } = await open(menuFlow(), (p) =>
      p.action === 'INIT'
        ? { status: 200, body: { screen: 'MENU', data: {} } }
        : { status: 200, body: { screen: 'DONE', data: {} } },
    );
    await session.init();
    // An item with its own action navigates on the phone.
    expect(await session.submit('MENU', {}, { component: 'menu', item: 'pizza' })).toMatchObject({
      kind: 'screen',
      screen: 'PICK',
      data: { note: 'plain' },
    });
    // Selecting Ham fires its update_data: the screen's data changes, nothing is sent.
    expect(await session.submit('PICK', { who: 'Ada' }, { component: 'toppings', item: 'ham' })).toEqual({
      kind: 'updated',
      screen: 'PICK',
      data: { note: 'with meat' },
    });
    expect(await session.submit('PICK', {}, { component: 'Allergens' })).toEqual({
      kind: 'url',
      url: 'https://example.com/allergens',
    });
    expect(sent().map((p) => p.action)).toEqual(['INIT']);
    // The Footer sees the updated data and what was entered before the local actions.
    expect(await session.submit('PICK', {})).toMatchObject({ kind: 'screen', screen: 'DONE' });
    expect(sent()[1]).toMatchObject({
      action: 'data_exchange',
      screen: 'PICK',
      data: { note: 'with meat', toppings: ['ham'], who: 'Ada' },
    });
  });

  it('an item’s data_exchange goes to the endpoint; an undeclared update_data key is refused', async () => {
    const { session, sent } = await open(menuFlow(), (p) =>
      p.action === 'INIT'
        ? { status: 200, body: { screen: 'MENU', data: {} } }
        : { status: 200, body: { screen: 'MENU', data: {} } },
    );
    await session.init();
    await session.submit('MENU', {}, { component: 'menu', item: 'help' });
    expect(sent()[1]).toMatchObject({ action: 'data_exchange', screen: 'MENU', data: { asked: 'help' } });

    // Ham's update_data now sets a key PICK does not declare: the client refuses it, locally.
    const broken = JSON.parse(JSON.stringify(menuFlow()).replace('"note":"with meat"', '"colour":"red"')) as FlowJson;
    const second = await open(broken, () => ({ status: 200, body: { screen: 'MENU', data: {} } }));
    await second.session.init();
    await second.session.submit('MENU', {}, { component: 'menu', item: 'pizza' });
    await expect(second.session.submit('PICK', {}, { component: 'toppings', item: 'ham' })).rejects.toMatchObject({
      code: 'payload-schema-error',
      message: expect.stringMatching(/does not declare the data field "colour"/) as unknown,
    });
    expect(second.sent().map((p) => p.action)).toEqual(['INIT']);
  });
});

describe('flow client submit() and the keys', () => {
  it('keeps working across a key rotation (421 → re-fetch → retry)', async () => {
    const { endpoint, emulator, session } = await open(testFlow(), (p) => (p.action === 'INIT' ? start : details(1)));
    await session.init();
    endpoint.state.key = newKey();
    await uploadKey(emulator, endpoint.state.key);
    expect(await session.submit('START', { name: 'Ada' })).toMatchObject({ screen: 'DETAILS' });
  });
});
