// Action rules (SPEC E.6, B.1): which action each event accepts and from which version, the keys
// of each action's shape (`next.type` included), open_url's http(s) URL, `complete`
// only on terminal screens' Footer, `data_exchange` only with an endpoint, navigate targets and
// payload keys against the next screen's data model (value types: rules-payload-types.ts),
// update_data keys, and where PhotoPicker /
// DocumentPicker values may travel (a top-level string of a data_exchange or complete payload).

import { NAVIGATE_NEXT_PROPS } from './catalog-props.js';
import { ACTIONS_SINCE, ACTION_NAMES, ACTION_RULES, PICKER_TYPES } from './catalog.js';
import type { Ctx, ScreenInfo } from './context.js';
import { findReferences } from './references.js';
import { actionProps, checkKeys, eventAllowed } from './rules-keys.js';
import { checkNavigatePayloadTypes } from './rules-payload-types.js';
import {
  type ActionVisit,
  type ComponentVisit,
  type Json,
  asString,
  isDynamic,
  isObject,
  joinPath,
  navigateTarget,
  walkStrings,
} from './walk.js';

/** The picker a reference points at, if it points at one. */
function pickerOf(ctx: Ctx, screen: ScreenInfo, text: string): ComponentVisit | undefined {
  for (const ref of findReferences(text)) {
    let target: ComponentVisit | undefined;
    if (ref.kind === 'form') target = screen.named.get(ref.field);
    if (ref.kind === 'screen' && ref.scope === 'form') target = ctx.byId.get(ref.screen)?.named.get(ref.field);
    if (target !== undefined && PICKER_TYPES.has(target.type ?? '')) return target;
  }
  return undefined;
}

function checkEvent(ctx: Ctx, visit: ActionVisit, name: string): boolean {
  const path = joinPath(visit.path, 'name');
  if (!ACTION_NAMES.includes(name)) {
    ctx.report('INVALID_ENUM_VALUE', path, `Value should be one of: [${ACTION_NAMES.join(', ')}]; found "${name}".`);
    return false;
  }
  const since = ACTIONS_SINCE[name];
  if (since !== undefined && !ctx.atLeast(since)) {
    ctx.report(
      'INVALID_ENUM_VALUE',
      path,
      `Action ${name} requires Flow JSON ${since} or later (flow uses ${ctx.version}).`,
    );
    return false;
  }
  const owner = visit.owner === 'component' ? (visit.component.type ?? '') : visit.owner;
  const allowed = ACTION_RULES[owner]?.[visit.event];
  const where = `${owner} '${visit.event}'`;
  if (allowed !== undefined && !allowed.includes(name)) {
    const detail = name === 'complete' ? 'Action complete can only be specified on Footer. ' : '';
    ctx.report(
      'INVALID_ENUM_VALUE',
      path,
      `${detail}Value should be one of: [${allowed.join(', ')}] for ${where}; found "${name}".`,
    );
  } else if (allowed === undefined && name === 'complete') {
    ctx.report('INVALID_ENUM_VALUE', path, 'Action complete can only be specified on Footer.');
  } else if (allowed === undefined && name === 'open_url') {
    ctx.report('INVALID_ENUM_VALUE', path, 'Action open_url can only be specified on EmbeddedLink and OptIn.');
  }
  return true;
}

function checkNavigate(ctx: Ctx, screen: ScreenInfo, visit: ActionVisit, payload: Json | undefined): void {
  const next = visit.action.next;
  const nextPath = joinPath(visit.path, 'next');
  if (!isObject(next)) {
    ctx.report(
      'MISSING_REQUIRED_TYPE_PROPERTY',
      nextPath,
      "Required property 'next' is missing on the navigate action.",
    );
    return;
  }
  checkKeys(ctx, next, NAVIGATE_NEXT_PROPS, nextPath, "a navigate action's next");
  if (next.type === undefined) {
    ctx.report(
      'MISSING_REQUIRED_TYPE_PROPERTY',
      joinPath(nextPath, 'type'),
      'Required property \'type\' is missing on the navigate target: use {"type": "screen", "name": …}.',
    );
  } else if (next.type !== 'screen') {
    ctx.report(
      'INVALID_ENUM_VALUE',
      joinPath(nextPath, 'type'),
      `Value should be one of: [screen]; found ${JSON.stringify(next.type)}.`,
    );
  }
  const target = navigateTarget(visit.action);
  if (target === undefined) {
    ctx.report(
      'MISSING_REQUIRED_TYPE_PROPERTY',
      joinPath(nextPath, 'name'),
      "Required property 'name' is missing on the navigate target.",
    );
    return;
  }
  if (screen.terminal && visit.component.type === 'Footer' && visit.owner === 'component') {
    ctx.report(
      'INVALID_ENUM_VALUE',
      joinPath(visit.path, 'name'),
      `The Footer of terminal screen ${screen.id ?? ''} may not navigate (SPEC E.6); use complete or data_exchange.`,
    );
  }
  const next_ = ctx.byId.get(target);
  if (next_ === undefined) {
    ctx.report(
      'INVALID_NAVIGATE_ACTION_NEXT_SCREEN_NAME',
      joinPath(nextPath, 'name'),
      `Unknown screen ids found: [${target}].`,
    );
    return;
  }
  if (target === screen.id) {
    ctx.report(
      'INVALID_NAVIGATE_ACTION_NEXT_SCREEN_NAME',
      joinPath(nextPath, 'name'),
      `Same screen navigation is not allowed. Loop detected at [${target}].`,
    );
    return;
  }
  if (payload === undefined) return;
  const payloadPath = joinPath(visit.path, 'payload');
  const keys = Object.keys(payload);
  if (keys.length > 0 && !next_.hasData) {
    ctx.report(
      'INVALID_NAVIGATE_ACTION_PAYLOAD',
      payloadPath,
      `No data model is defined in the next screen '${target}'.`,
    );
  } else {
    const missing = keys.filter((key) => !next_.dataKeys.has(key));
    for (const key of missing) {
      ctx.report(
        'INVALID_NAVIGATE_ACTION_PAYLOAD',
        joinPath(payloadPath, key),
        `Field '${key}' is missing in the data model of the next screen '${target}'.`,
      );
    }
    checkNavigatePayloadTypes(ctx, screen, next_, payload, payloadPath);
  }
  walkStrings(payload, payloadPath, (text, path) => {
    const picker = pickerOf(ctx, screen, text);
    if (picker === undefined) return;
    ctx.report(
      'INVALID_ON_CLICK_ACTION_PAYLOAD',
      path,
      `The ${picker.type ?? ''} component's value is not allowed in the payload of the navigate action; read it with \${screen.<ID>.form.<name>} instead.`,
    );
  });
}

/** Pickers only as a top-level string of data_exchange/complete; limits of complete (SPEC B.1). */
function checkPickerPayload(ctx: Ctx, screen: ScreenInfo, visit: ActionVisit, name: string, payload: Json): void {
  const payloadPath = joinPath(visit.path, 'payload');
  const used: ComponentVisit[] = [];
  for (const [key, value] of Object.entries(payload)) {
    const topPath = joinPath(payloadPath, key);
    walkStrings(value, topPath, (text, path) => {
      const picker = pickerOf(ctx, screen, text);
      if (picker === undefined) return;
      used.push(picker);
      if (name === 'update_data') {
        ctx.report(
          'INVALID_ON_CLICK_ACTION_PAYLOAD',
          path,
          `The ${picker.type ?? ''} component's value can only be sent with data_exchange or complete.`,
        );
      } else if (path !== topPath) {
        ctx.report(
          'INVALID_ON_CLICK_ACTION_PAYLOAD',
          path,
          `The value of ${picker.type ?? ''} must be a top-level string in the ${name} payload, e.g. {"media": "\${form.${asString(picker.node.name) ?? 'picker'}}"}.`,
        );
      }
    });
  }
  if (name !== 'complete') return;
  // Stated by Meta's error-codes page but contradicted by the media-upload page (SPEC F.2): warn only.
  for (const picker of used) {
    const prop = picker.type === 'PhotoPicker' ? 'max-uploaded-photos' : 'max-uploaded-documents';
    const max = picker.node[prop] ?? 30;
    if (typeof max === 'number' && max > 1) {
      ctx.report(
        'INVALID_ON_CLICK_ACTION_PAYLOAD',
        payloadPath,
        `${picker.type ?? ''} can only be used in complete action payload if value of property '${prop}' doesn't exceed 1 (it is ${max}).`,
        'warning',
      );
    }
  }
  if (new Set(used.map((picker) => picker.type)).size > 1) {
    ctx.report(
      'INVALID_ON_CLICK_ACTION_PAYLOAD',
      payloadPath,
      'Complete action payload can contain either a single PhotoPicker or a single DocumentPicker component.',
      'warning',
    );
  }
}

/** `url` is required and, when static, an absolute http(s) URL (SPEC E.6 shows "https://…"). */
function checkOpenUrl(ctx: Ctx, visit: ActionVisit): void {
  const url = visit.action.url;
  const path = joinPath(visit.path, 'url');
  if (typeof url !== 'string') {
    ctx.report('MISSING_REQUIRED_TYPE_PROPERTY', path, "Required property 'url' is missing on the open_url action.");
    return;
  }
  if (isDynamic(url)) return;
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    // Not an absolute URL at all.
  }
  if (protocol !== 'https:' && protocol !== 'http:') {
    ctx.report(
      'INVALID_PROPERTY_VALUE_FORMAT',
      path,
      `Property 'url' of the open_url action should be an absolute http(s) URL, found ${JSON.stringify(url)}.`,
    );
  }
}

function checkAction(ctx: Ctx, screen: ScreenInfo, visit: ActionVisit): void {
  if (!eventAllowed(visit)) return;
  const name = visit.name;
  if (name === undefined) {
    ctx.report(
      'MISSING_REQUIRED_TYPE_PROPERTY',
      joinPath(visit.path, 'name'),
      "Required property 'name' is missing on the action.",
    );
    return;
  }
  if (!checkEvent(ctx, visit, name)) return;
  checkKeys(ctx, visit.action, actionProps(name) ?? new Set(), visit.path, `the ${name} action`);
  // open_url takes no payload (SPEC E.6): the key is reported above and its content not read.
  const rawPayload = name === 'open_url' ? undefined : visit.action.payload;
  let payload: Json | undefined;
  if (isObject(rawPayload)) payload = rawPayload;
  else if (rawPayload !== undefined) {
    ctx.report(
      'INVALID_PROPERTY_TYPE',
      joinPath(visit.path, 'payload'),
      "Expected property 'payload' to be an object.",
    );
  }
  if (name === 'complete' && visit.component.type === 'Footer' && !screen.terminal) {
    ctx.report(
      'INVALID_COMPLETE_ACTION',
      joinPath(visit.path, 'name'),
      "On-click-action 'complete' can only be configured on a terminal screen.",
    );
  }
  if (name === 'data_exchange' && !ctx.hasEndpoint) {
    ctx.report(
      'MISSING_REQUIRED_PROPERTY',
      joinPath(visit.path, 'name'),
      "The property 'data_api_version' is required for data_exchange action.",
    );
  }
  if (name === 'navigate') checkNavigate(ctx, screen, visit, payload);
  if (name === 'open_url') checkOpenUrl(ctx, visit);
  if (name === 'update_data') {
    if (payload === undefined) {
      ctx.report(
        'MISSING_REQUIRED_TYPE_PROPERTY',
        joinPath(visit.path, 'payload'),
        "Required property 'payload' is missing on the update_data action.",
      );
    } else {
      for (const key of Object.keys(payload)) {
        if (screen.dataKeys.has(key)) continue;
        ctx.report(
          'INVALID_ACTION_PAYLOAD_PROPERTY',
          joinPath(joinPath(visit.path, 'payload'), key),
          `The following property ${key} does not exist in the screen data model of ${screen.id ?? 'this screen'}.`,
        );
      }
    }
  }
  if (payload !== undefined && name !== 'navigate') checkPickerPayload(ctx, screen, visit, name, payload);
}

export function checkActions(ctx: Ctx): void {
  for (const screen of ctx.screens) for (const visit of screen.actions) checkAction(ctx, screen, visit);
}
