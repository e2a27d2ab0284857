// Graph's node routes, /{id} with GET, POST and DELETE: the id may name media, a flow, the phone
// number or the WABA. Anything else is Graph's "Unsupported … request" (100/33); paths Graph does
// not know are 2500 "Unknown path components".

import type { Hono } from 'hono';
import { deleteFlow, getFlow, updateFlow } from './flow-node.js';
import { deleteMedia, mediaInfo } from './graph-media.js';
import { unknownObject, unknownPath, VERSION } from './graph-common.js';
import type { EmulatorContext } from './state.js';

export function mountObjects(app: Hono, ctx: EmulatorContext): void {
  const { config } = ctx;

  app.get(`${VERSION}/:id`, (c) => {
    const id = c.req.param('id');
    if (id === config.phoneNumberId) {
      return c.json({
        verified_name: 'Flowgate Emulator',
        code_verification_status: 'VERIFIED',
        display_phone_number: config.displayPhoneNumber,
        quality_rating: 'GREEN',
        platform_type: 'CLOUD_API',
        throughput: { level: 'STANDARD' },
        id,
      });
    }
    if (id === config.wabaId) {
      return c.json({
        id,
        name: 'Flowgate Emulator WABA',
        timezone_id: '1',
        message_template_namespace: 'flowgate_emulator',
      });
    }
    return mediaInfo(ctx, c, id) ?? getFlow(ctx, c, id) ?? unknownObject(ctx, 'GET', id);
  });

  app.post(`${VERSION}/:id`, async (c) => {
    const id = c.req.param('id');
    return (await updateFlow(ctx, c, id)) ?? unknownObject(ctx, 'POST', id);
  });

  app.delete(`${VERSION}/:id`, (c) => {
    const id = c.req.param('id');
    return deleteMedia(ctx, c, id) ?? deleteFlow(ctx, c, id) ?? unknownObject(ctx, 'DELETE', id);
  });

  app.all(`${VERSION}/*`, (c) => {
    const path = c.req.path.replace(/^\/v[0-9]+\.[0-9]+/, '');
    return unknownPath(ctx, path);
  });
}
