// GraphClient message calls against the in-process fake Meta server: exact paths, methods, bearer
// header and bodies, response mapping from Meta's fixtures, and typed errors.

import { describe, expect, it } from 'vitest';
import { ReengagementWindowError } from '../protocol/graph-errors/index.js';
import { GraphArgumentError, GraphUnexpectedResponseError } from './errors.js';
import { createFakeMeta, fixture, newClient, recordingSleep, TOKEN } from './fake-meta.test-util.js';
import { GraphClient } from './client.js';

describe('sendMessage', () => {
  it('POSTs the wire body to /v24.0/<id>/messages with the bearer token and maps the response', async () => {
    const meta = createFakeMeta();
    meta.app.post('/v24.0/:phone/messages', (c) => c.json(fixture('messages_send__response.json')));
    const client = newClient(meta.fetch);
    const wire = fixture('messages_send_text__request.json');

    const sent = await client.sendMessage('106540352242922', wire);

    expect(sent).toEqual({
      wamid: 'wamid.gBGGSFcCNEOPAgkO_KJ55r4w_ww',
      waId: '48XXXXXXXXX ',
      input: '48XXXXXXXXX',
      messageStatus: null,
    });
    expect(meta.requests).toHaveLength(1);
    const [request] = meta.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v24.0/106540352242922/messages');
    expect(request?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(request?.headers.get('content-type')).toBe('application/json');
    expect(request?.json()).toEqual(wire);
  });

  it('maps message_status for paced templates and tolerates a missing contacts list', async () => {
    const meta = createFakeMeta();
    meta.app.post('/v24.0/:phone/messages', (c) =>
      c.json({
        messaging_product: 'whatsapp',
        messages: [{ id: 'wamid.X', message_status: 'held_for_quality_assessment' }],
      }),
    );
    const sent = await newClient(meta.fetch).sendMessage('1', fixture('messages_send_template_media__request.json'));
    expect(sent).toEqual({ wamid: 'wamid.X', waId: null, input: null, messageStatus: 'held_for_quality_assessment' });
  });

  it('a success body without a message id is an unexpected response that may have been sent', async () => {
    const meta = createFakeMeta();
    meta.app.post('/v24.0/:phone/messages', (c) => c.json({ messaging_product: 'whatsapp', messages: [] }));
    const error = await newClient(meta.fetch)
      .sendMessage('1', {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphUnexpectedResponseError);
    expect(error).toMatchObject({ mayHaveBeenSent: true, code: 'flowgate.graph.unexpected_response' });
  });

  it('a Graph error body becomes its typed error, not retried', async () => {
    const meta = createFakeMeta();
    meta.app.post('/v24.0/:phone/messages', (c) =>
      c.json(
        {
          error: {
            message: '(#131047) Re-engagement message',
            type: 'OAuthException',
            code: 131047,
            error_data: { messaging_product: 'whatsapp', details: 'More than 24 hours have passed.' },
            fbtrace_id: 'Atrace',
          },
        },
        400,
      ),
    );
    const { sleep, delays } = recordingSleep();
    const error = await newClient(meta.fetch, { sleep })
      .sendMessage('1', fixture('messages_send_text__request.json'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReengagementWindowError);
    expect(error).toMatchObject({ httpStatus: 400, fbtraceId: 'Atrace', details: 'More than 24 hours have passed.' });
    expect((error as ReengagementWindowError).hint).toMatch(/template/);
    expect(delays).toEqual([]);
    expect(meta.requests).toHaveLength(1);
  });
});

describe('markRead', () => {
  it('POSTs the read receipt (with typing indicator) and expects success', async () => {
    const meta = createFakeMeta();
    meta.app.post('/v24.0/:phone/messages', (c) => c.json(fixture('messages_mark_as_read__response.json')));
    const body = fixture('messages_read_receipt_with_typing_indicator__request.json');
    await expect(newClient(meta.fetch).markRead('42', body)).resolves.toBeUndefined();
    expect(meta.requests[0]?.path).toBe('/v24.0/42/messages');
    expect(meta.requests[0]?.json()).toEqual(body);
  });

  it('anything but {success:true} is an unexpected response', async () => {
    const meta = createFakeMeta();
    meta.app.post('/v24.0/:phone/messages', (c) => c.json({ success: false }));
    await expect(newClient(meta.fetch).markRead('42', {})).rejects.toBeInstanceOf(GraphUnexpectedResponseError);
  });

  it('a non-JSON success body is an unexpected response', async () => {
    const meta = createFakeMeta();
    meta.app.post('/v24.0/:phone/messages', (c) => c.text('<html>ok</html>'));
    await expect(newClient(meta.fetch).markRead('42', {})).rejects.toThrow(/not JSON/);
  });
});

describe('URLs and arguments', () => {
  it('keeps a base path prefix and percent-encodes ids', async () => {
    const meta = createFakeMeta();
    meta.app.post('*', (c) => c.json(fixture('messages_send__response.json')));
    const client = new GraphClient({
      baseUrl: 'http://emulator.test/graph/',
      version: 'v24.0',
      accessToken: TOKEN,
      fetch: meta.fetch,
    });
    await client.sendMessage('a b?c', {});
    expect(meta.requests[0]?.path).toBe('/graph/v24.0/a%20b%3Fc/messages');
  });

  it.each(['', '.', '..'])('refuses the id %j', async (id) => {
    const meta = createFakeMeta();
    await expect(newClient(meta.fetch).sendMessage(id, {})).rejects.toBeInstanceOf(GraphArgumentError);
    expect(meta.requests).toHaveLength(0);
  });

  it('refuses bad options', () => {
    expect(() => newClient(createFakeMeta().fetch, { timeoutMs: 0 })).toThrow(GraphArgumentError);
    expect(() => newClient(createFakeMeta().fetch, { baseUrl: 'ftp://x' })).toThrow(GraphArgumentError);
    expect(() => newClient(createFakeMeta().fetch, { accessToken: '' })).toThrow(GraphArgumentError);
  });

  it('does not expose the token through the client object', () => {
    const client = newClient(createFakeMeta().fetch);
    expect(JSON.stringify(client)).not.toContain(TOKEN);
    expect(Object.values(client).join()).not.toContain(TOKEN);
  });
});
