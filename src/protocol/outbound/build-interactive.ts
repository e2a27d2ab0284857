// Builders for interactive messages: reply buttons, lists, call-to-action URL buttons and Flows.

import {
  array,
  compact,
  describe,
  fail,
  field,
  hasEmoji,
  httpsUrl,
  isPlainObject,
  mediaItem,
  nonEmptyObject,
  object,
  optional,
  optionalText,
  required,
  text,
  tooMany,
  unique,
} from './check.js';
import { LIMITS } from './limits.js';
import type {
  OutboundFlow,
  OutboundInteractiveButtons,
  OutboundInteractiveCtaUrl,
  OutboundInteractiveList,
} from './types.js';
import type {
  WireFlowParameters,
  WireInteractiveHeader,
  WireInteractiveList,
  WireInteractiveText,
  WireOutboundPayload,
} from './wire.js';

export function buildInteractiveButtons(message: OutboundInteractiveButtons): WireOutboundPayload {
  const header = interactiveHeader(message.header, true);
  const body = interactiveBody(message.body, LIMITS.buttonsBody);
  const footer = interactiveFooter(message.footer);
  const path = 'interactive.action.buttons';
  const ids = new Set<string>();
  const titles = new Set<string>();
  const buttons = array(message.buttons, path, 1, LIMITS.replyButtons, 'reply buttons').map((item, i) => {
    const at = `${path}[${i}]`;
    const button = object(item, at);
    const id = text(button.id, `${at}.reply.id`, LIMITS.replyButtonId);
    if (id.trim() !== id) fail(`${at}.reply.id`, 'must not start or end with spaces');
    unique(ids, id, `${at}.reply.id`, 'button id');
    const title = text(button.title, `${at}.reply.title`, LIMITS.replyButtonTitle);
    unique(titles, title, `${at}.reply.title`, 'button title');
    return { type: 'reply' as const, reply: { id, title } };
  });
  return { type: 'interactive', interactive: compact({ type: 'button', header, body, footer, action: { buttons } }) };
}

export function buildInteractiveList(message: OutboundInteractiveList): WireOutboundPayload {
  const header = interactiveHeader(message.header, false);
  const body = interactiveBody(message.body, LIMITS.listBody);
  const footer = interactiveFooter(message.footer);
  const button = text(message.buttonText, 'interactive.action.button', LIMITS.listButtonText);
  const path = 'interactive.action.sections';
  const sections = array(message.sections, path, 1, LIMITS.listSections, 'sections');
  const totalRows = sections.reduce<number>(
    (sum, section) => sum + (isPlainObject(section) && Array.isArray(section.rows) ? section.rows.length : 0),
    0,
  );
  const rowIds = new Set<string>();
  let seenRows = 0;
  const wireSections = sections.map((item, i): WireInteractiveList['action']['sections'][number] => {
    const at = `${path}[${i}]`;
    const section = object(item, at);
    if (section.title === undefined && sections.length > 1) {
      fail(`${at}.title`, `required when the list has more than one section (it has ${sections.length})`);
    }
    const title = optionalText(section.title, `${at}.title`, LIMITS.listSectionTitle);
    const rows = array(section.rows, `${at}.rows`, 1, Number.POSITIVE_INFINITY, 'rows').map((rowItem, j) => {
      const rowAt = `${at}.rows[${j}]`;
      if (++seenRows > LIMITS.listRowsTotal) tooMany(path, rowAt, LIMITS.listRowsTotal, totalRows, 'rows in total');
      const row = object(rowItem, rowAt);
      const id = text(row.id, `${rowAt}.id`, LIMITS.listRowId);
      unique(rowIds, id, `${rowAt}.id`, 'row id');
      return compact({
        id,
        title: text(row.title, `${rowAt}.title`, LIMITS.listRowTitle),
        description: optionalText(row.description, `${rowAt}.description`, LIMITS.listRowDescription),
      });
    });
    return compact({ title, rows });
  });
  return {
    type: 'interactive',
    interactive: compact({ type: 'list', header, body, footer, action: { button, sections: wireSections } }),
  };
}

export function buildInteractiveCtaUrl(message: OutboundInteractiveCtaUrl): WireOutboundPayload {
  const header = interactiveHeader(message.header, true);
  const body = interactiveBody(message.body, LIMITS.ctaUrlBody);
  const footer = interactiveFooter(message.footer);
  const parameters = {
    display_text: text(message.displayText, 'interactive.action.parameters.display_text', LIMITS.ctaUrlDisplayText),
    url: httpsUrl(message.url, 'interactive.action.parameters.url'),
  };
  return {
    type: 'interactive',
    interactive: compact({ type: 'cta_url', header, body, footer, action: { name: 'cta_url', parameters } }),
  };
}

const FLOW_MODES: readonly unknown[] = ['draft', 'published'];

export function buildFlow(message: OutboundFlow): WireOutboundPayload {
  const header = interactiveHeader(message.header, false);
  const body = interactiveBody(message.body, LIMITS.flowBody);
  const footer = interactiveFooter(message.footer);
  const path = 'interactive.action.parameters';

  const flowId = field(message, 'flowId');
  const flowName = field(message, 'flowName');
  if (flowId !== undefined && flowName !== undefined) fail(path, 'give exactly one of flowId or flowName, not both');
  if (flowId === undefined && flowName === undefined) fail(path, 'needs a flowId or a flowName');

  const cta = text(message.cta, `${path}.flow_cta`, LIMITS.flowCta);
  // Meta: the CTA is "advised to be 30 characters or less (no emoji)".
  if (hasEmoji(cta)) fail(`${path}.flow_cta`, `must not contain emoji (got ${describe(cta)})`);

  const mode: unknown = message.mode;
  if (mode !== undefined && !FLOW_MODES.includes(mode)) {
    fail(`${path}.mode`, `must be "draft" or "published" (got ${describe(mode)})`);
  }
  const action: unknown = message.action ?? 'navigate';
  if (action !== 'navigate' && action !== 'data_exchange') {
    fail(`${path}.flow_action`, `must be "navigate" or "data_exchange" (got ${describe(action)})`);
  }

  const parameters: WireFlowParameters = compact({
    flow_message_version: '3',
    flow_action: action,
    flow_token: optional(message.flowToken, `${path}.flow_token`),
    flow_id: optional(flowId, `${path}.flow_id`),
    flow_name: optional(flowName, `${path}.flow_name`),
    flow_cta: cta,
    mode: mode as WireFlowParameters['mode'],
    flow_action_payload: flowActionPayload(message, action, `${path}.flow_action_payload`),
  });
  return {
    type: 'interactive',
    interactive: compact({ type: 'flow', header, body, footer, action: { name: 'flow', parameters } }),
  };
}

function flowActionPayload(
  message: OutboundFlow,
  action: 'navigate' | 'data_exchange',
  path: string,
): WireFlowParameters['flow_action_payload'] {
  const screen = field(message, 'screen');
  const data = field(message, 'data');
  if (screen === undefined && data === undefined) return undefined;
  if (action === 'data_exchange') {
    // data_exchange sends an INIT request to the flow endpoint, which returns the first screen.
    fail(
      path,
      'screen and data are allowed only with flow_action "navigate"; with "data_exchange" your endpoint returns the first screen',
    );
  }
  if (screen === undefined) fail(`${path}.screen`, 'required when data is given (the id of an entry screen)');
  return compact({
    screen: required(screen, `${path}.screen`),
    data: data === undefined ? undefined : nonEmptyObject(data, `${path}.data`),
  });
}

function interactiveBody(value: unknown, max: number): WireInteractiveText {
  return { text: text(value, 'interactive.body.text', max) };
}

function interactiveFooter(value: unknown): WireInteractiveText | undefined {
  return value === undefined ? undefined : { text: text(value, 'interactive.footer.text', LIMITS.footerText) };
}

/** Reply-button and CTA-URL messages take media headers; lists and Flows take text only. */
function interactiveHeader(value: unknown, allowMedia: boolean): WireInteractiveHeader | undefined {
  if (value === undefined) return undefined;
  const path = 'interactive.header';
  const header = object(value, path);
  const type = header.type;
  if (type === 'text') return { type, text: text(header.text, `${path}.text`, LIMITS.headerText) };
  if (type !== 'image' && type !== 'video' && type !== 'document') {
    return fail(`${path}.type`, `must be "text", "image", "video" or "document" (got ${describe(type)})`);
  }
  if (!allowMedia) fail(`${path}.type`, `this message takes only a text header (got ${describe(type)})`);
  const media = mediaItem(header, type, `${path}.${type}`);
  if (type === 'image') return { type, image: media };
  if (type === 'video') return { type, video: media };
  return { type, document: media };
}
