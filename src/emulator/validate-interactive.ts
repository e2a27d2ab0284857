// Validation of interactive messages (SPEC D.2): reply buttons (≤3, unique ids/titles), lists
// (≤10 sections, ≤10 rows in total), Flow messages (flow_message_version "3", exactly one of
// flow_id/flow_name, navigate-only payloads) and CTA URL buttons; other sub-types need an action.

import {
  array,
  Invalid,
  media,
  object,
  oneOf,
  optionalString,
  param,
  required,
  requiredString,
  string,
} from './message-checks.js';

function interactiveHeader(value: unknown, mediaIds: string[]): void {
  if (value === undefined) return;
  const header = object(value, ['interactive', 'header']);
  const type = oneOf(header.type, ['interactive', 'header', 'type'], ['text', 'image', 'video', 'document']);
  if (type === 'text') requiredString(header, 'text', ['interactive', 'header'], 1, 60);
  else media(type, header[type], mediaIds);
}

function buttons(action: Record<string, unknown>): void {
  const list = array(
    required(action, 'buttons', ['interactive', 'action']),
    ['interactive', 'action', 'buttons'],
    1,
    3,
  );
  const ids = new Set<string>();
  const titles = new Set<string>();
  list.forEach((item, i) => {
    const path = ['interactive', 'action', 'buttons', i];
    const button = object(item, path);
    oneOf(button.type, [...path, 'type'], ['reply']);
    const reply = object(required(button, 'reply', path), [...path, 'reply']);
    const id = requiredString(reply, 'id', [...path, 'reply'], 1, 256);
    const title = requiredString(reply, 'title', [...path, 'reply'], 1, 20);
    if (ids.has(id))
      throw new Invalid(`Param ${param([...path, 'reply', 'id'])} must be unique: ${JSON.stringify(id)} is repeated.`);
    if (titles.has(title))
      throw new Invalid(
        `Param ${param([...path, 'reply', 'title'])} must be unique: ${JSON.stringify(title)} is repeated.`,
      );
    ids.add(id);
    titles.add(title);
  });
}

function list(action: Record<string, unknown>): void {
  requiredString(action, 'button', ['interactive', 'action'], 1, 20);
  const sections = array(
    required(action, 'sections', ['interactive', 'action']),
    ['interactive', 'action', 'sections'],
    1,
    10,
  );
  let rows = 0;
  const ids = new Set<string>();
  sections.forEach((item, s) => {
    const path = ['interactive', 'action', 'sections', s];
    const section = object(item, path);
    if (sections.length > 1) requiredString(section, 'title', path, 1, 24);
    else optionalString(section, 'title', path, 24);
    const sectionRows = array(required(section, 'rows', path), [...path, 'rows'], 1, 10);
    sectionRows.forEach((rowValue, r) => {
      const rowPath = [...path, 'rows', r];
      const row = object(rowValue, rowPath);
      const id = requiredString(row, 'id', rowPath, 1, 200);
      requiredString(row, 'title', rowPath, 1, 24);
      optionalString(row, 'description', rowPath, 72);
      if (ids.has(id))
        throw new Invalid(`Param ${param([...rowPath, 'id'])} must be unique: ${JSON.stringify(id)} is repeated.`);
      ids.add(id);
    });
    rows += sectionRows.length;
  });
  if (rows > 10)
    throw new Invalid(`Param interactive['action']['sections'] must contain at most 10 rows in total, got ${rows}.`);
}

function flow(action: Record<string, unknown>): void {
  const base = ['interactive', 'action'];
  oneOf(required(action, 'name', base), [...base, 'name'], ['flow']);
  const path = [...base, 'parameters'];
  const p = object(required(action, 'parameters', base), path);
  const version = required(p, 'flow_message_version', path);
  if (version !== '3')
    throw new Invalid(
      `Param ${param([...path, 'flow_message_version'])} must be "3" - got ${JSON.stringify(version)}.`,
    );
  const hasId = p.flow_id !== undefined && p.flow_id !== null;
  const hasName = p.flow_name !== undefined && p.flow_name !== null;
  if (hasId === hasName) throw new Invalid(`Param ${param(path)} must contain exactly one of flow_id or flow_name.`);
  if (hasId) string(typeof p.flow_id === 'number' ? String(p.flow_id) : p.flow_id, [...path, 'flow_id'], 1, 64);
  if (hasName) string(p.flow_name, [...path, 'flow_name'], 1, 200);
  requiredString(p, 'flow_cta', path, 1, 30);
  optionalString(p, 'flow_token', path, 4096);
  if (p.mode !== undefined) oneOf(p.mode, [...path, 'mode'], ['draft', 'published']);
  const flowAction =
    p.flow_action === undefined
      ? 'navigate'
      : oneOf(p.flow_action, [...path, 'flow_action'], ['navigate', 'data_exchange']);
  if (p.flow_action_payload === undefined) return;
  if (flowAction !== 'navigate')
    throw new Invalid(`Param ${param([...path, 'flow_action_payload'])} is only allowed with flow_action "navigate".`);
  const payload = object(p.flow_action_payload, [...path, 'flow_action_payload']);
  optionalString(payload, 'screen', [...path, 'flow_action_payload'], 200);
  if (payload.data !== undefined) {
    const data = object(payload.data, [...path, 'flow_action_payload', 'data']);
    if (Object.keys(data).length === 0)
      throw new Invalid(`Param ${param([...path, 'flow_action_payload', 'data'])} must be a non-empty object.`);
  }
}

function ctaUrl(action: Record<string, unknown>): void {
  const base = ['interactive', 'action'];
  oneOf(required(action, 'name', base), [...base, 'name'], ['cta_url']);
  const p = object(required(action, 'parameters', base), [...base, 'parameters']);
  requiredString(p, 'display_text', [...base, 'parameters'], 1, 20);
  const url = requiredString(p, 'url', [...base, 'parameters'], 1, 2048);
  if (!/^https?:\/\/\S+$/i.test(url))
    throw new Invalid(`Param ${param([...base, 'parameters', 'url'])} must be a valid http(s) URL.`);
}

const INTERACTIVE_TYPES = [
  'button',
  'list',
  'flow',
  'cta_url',
  'product',
  'product_list',
  'catalog_message',
  'location_request_message',
  'address_message',
  'call_permission_request',
];

export function interactive(value: unknown, mediaIds: string[]): void {
  const obj = object(value, ['interactive']);
  const type = oneOf(required(obj, 'type', ['interactive']), ['interactive', 'type'], INTERACTIVE_TYPES);
  const action = object(required(obj, 'action', ['interactive']), ['interactive', 'action']);
  const bodyMax = type === 'button' ? 1024 : 4096;
  if (type === 'button' || type === 'list' || type === 'flow' || type === 'cta_url') {
    const body = object(required(obj, 'body', ['interactive']), ['interactive', 'body']);
    requiredString(body, 'text', ['interactive', 'body'], 1, bodyMax);
  }
  interactiveHeader(obj.header, mediaIds);
  if (obj.footer !== undefined)
    requiredString(object(obj.footer, ['interactive', 'footer']), 'text', ['interactive', 'footer'], 1, 60);
  if (type === 'button') buttons(action);
  else if (type === 'list') list(action);
  else if (type === 'flow') flow(action);
  else if (type === 'cta_url') ctaUrl(action);
}
