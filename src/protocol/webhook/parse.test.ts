// parseWebhook against every real webhook fixture: one table of expected kinds per file; a fixture
// without an entry fails the suite. Field values are asserted in parse-fields.test.ts.

import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EventOfKind, WebhookEvent, WebhookEventKind } from './events.js';
import { sha256Hex } from './normalize.js';
import { parseWebhook } from './parse.js';

const FIXTURES = new URL('../../../../shared/protocol/fixtures/webhooks/', import.meta.url);

function fixtureBytes(name: string): Buffer {
  return readFileSync(new URL(name, FIXTURES));
}

function listFixtures(): string[] {
  return readdirSync(FIXTURES, { withFileTypes: true })
    .filter((dir) => dir.isDirectory())
    .flatMap((dir) => readdirSync(new URL(`${dir.name}/`, FIXTURES)).map((file) => `${dir.name}/${file}`))
    .sort();
}

/** Asserts the kind and narrows, so field checks below are type-checked. */
function ofKind<K extends WebhookEventKind>(event: WebhookEvent | undefined, kind: K): EventOfKind<K> {
  expect(event?.kind).toBe(kind);
  return event as EventOfKind<K>;
}

const PE = 'parse_error';
const UNKNOWN = 'unknown';

// Every fixture file → the kinds it must parse to, in order. Written out by hand from reading each
// file. Meta's placeholder samples ("<PHONE_NUMBER>", "<TIMESTAMP>", "number-of-item") cannot
// satisfy the event types (E.164 sender, integer timestamp, numeric order items), so they are
// parse_error by design.
const EXPECTED: Record<string, readonly WebhookEventKind[]> = {
  'flows/meta_doc_verbatim__flows_CLIENT_ERROR_RATE.txt': [PE],
  'flows/meta_doc_verbatim__flows_ENDPOINT_AVAILABILITY.txt': [PE],
  'flows/meta_doc_verbatim__flows_ENDPOINT_ERROR_RATE.txt': [PE],
  'flows/meta_doc_verbatim__flows_ENDPOINT_LATENCY.txt': [PE],
  // These two verbatim copies happen to be valid JSON (identical to their normalized__ twins).
  'flows/meta_doc_verbatim__flows_FLOW_STATUS_CHANGE_created_draft.txt': ['flows.flow_status_change'],
  'flows/meta_doc_verbatim__flows_FLOW_STATUS_CHANGE_created_with_version_freeze_warning.txt': [PE],
  'flows/meta_doc_verbatim__flows_FLOW_STATUS_CHANGE_draft_to_published.txt': ['flows.flow_status_change'],
  'flows/meta_doc_verbatim__flows_FLOW_VERSION_EXPIRY_WARNING.txt': [PE],
  'flows/meta_doc_verbatim__nfm_reply_response_message_fragment.txt': [PE],
  'flows/normalized__flows_CLIENT_ERROR_RATE.json': ['flows.client_error_rate'],
  'flows/normalized__flows_ENDPOINT_AVAILABILITY.json': ['flows.endpoint_availability'],
  'flows/normalized__flows_ENDPOINT_ERROR_RATE.json': ['flows.endpoint_error_rate'],
  'flows/normalized__flows_ENDPOINT_LATENCY.json': ['flows.endpoint_latency'],
  'flows/normalized__flows_FLOW_STATUS_CHANGE_created_draft.json': ['flows.flow_status_change'],
  'flows/normalized__flows_FLOW_STATUS_CHANGE_created_with_version_freeze_warning.json': ['flows.flow_status_change'],
  'flows/normalized__flows_FLOW_STATUS_CHANGE_draft_to_published.json': ['flows.flow_status_change'],
  'flows/normalized__flows_FLOW_VERSION_EXPIRY_WARNING.json': ['flows.flow_version_expiry_warning'],
  // A bare `{"messages": [...]}` fragment, not a whatsapp_business_account envelope.
  'flows/normalized__nfm_reply_response_message_fragment.json': [PE],
  'meta_docs/messages_image.json': ['message.image'],
  'meta_docs/messages_interactive_button_reply.json': ['message.button_reply'],
  'meta_docs/messages_interactive_list_reply.json': ['message.list_reply'],
  'meta_docs/messages_system_user_changed_number.json': ['message.system'],
  'meta_docs/messages_text.json': ['message.text'],
  'meta_docs/messages_text_click_to_whatsapp_ad_referral.json': ['message.text'],
  'meta_docs/messages_text_message_business_button_referred_product.json': ['message.text'],
  'meta_docs/messages_unsupported_131051.json': ['message.unsupported'],
  'meta_docs/status_delivered_service_cbp.json': ['status.delivered'],
  'meta_docs/status_failed_131049.json': ['status.failed'],
  'meta_docs/status_sent_v24_minimal.json': ['status.sent'],
  'meta_docs/status_sent_with_conversation_and_pricing_pmp.json': ['status.sent'],
  'meta_docs/value_errors_130429.json': ['error'],
  'meta_postman/messages_button_template_quick_reply.json': ['message.button'],
  'meta_postman/messages_contacts.json': [PE],
  'meta_postman/messages_image.json': [PE],
  'meta_postman/messages_location_VERBATIM_INVALID_JSON.txt': [PE],
  'meta_postman/messages_order.json': [PE],
  'meta_postman/messages_reaction.json': [PE],
  'meta_postman/messages_referral_click_to_whatsapp_ad.json': [PE],
  'meta_postman/messages_sticker.json': [PE],
  'meta_postman/messages_text.json': ['message.text'],
  'meta_postman/messages_text_product_enquiry.json': [PE],
  'meta_postman/messages_text_with_identity_security_notification.json': [PE],
  'meta_postman/messages_unknown_130501_legacy.json': ['message.unsupported'],
  'meta_postman/messages_user_deleted_message_as_unsupported_131051_VERBATIM_INVALID_JSON.txt': [PE],
  'meta_postman/status_delivered_business_delivered_from_user_VERBATIM_INVALID_JSON.txt': [PE],
  'meta_postman/status_delivered_business_from_user_initiated_VERBATIM_INVALID_JSON.txt': [PE],
  'meta_postman/status_delivered_user_initiated_VERBATIM_INVALID_JSON.txt': [PE],
  'meta_postman/status_failed_131014_VERBATIM_INVALID_JSON.txt': [PE],
  'meta_postman/status_payment_transaction_order_details.json': [PE],
  'meta_postman/status_sent_business_initiated_VERBATIM_INVALID_JSON.txt': [PE],
  'meta_postman/status_sent_business_reply_to_user_VERBATIM_INVALID_JSON.txt': [PE],
  'meta_postman/status_sent_user_initiated_VERBATIM_INVALID_JSON.txt': [PE],
  'meta_postman/status_update_notification.json': ['status.sent'],
  'pywa/account_update__account_deleted.json': [UNKNOWN],
  'pywa/account_update__account_disabled.json': [UNKNOWN],
  'pywa/account_update__account_offboarded.json': [UNKNOWN],
  'pywa/account_update__account_reconnected.json': [UNKNOWN],
  'pywa/account_update__account_restriction.json': [UNKNOWN],
  'pywa/account_update__account_violation.json': [UNKNOWN],
  'pywa/account_update__ad_account_linked.json': [UNKNOWN],
  'pywa/account_update__authentication_international_eligibility.json': [UNKNOWN],
  'pywa/account_update__mm_api_for_wa_terms_of_service.json': [UNKNOWN],
  'pywa/account_update__partner_added.json': [UNKNOWN],
  'pywa/account_update__partner_app_installed.json': [UNKNOWN],
  'pywa/account_update__partner_app_uninstalled.json': [UNKNOWN],
  'pywa/account_update__partner_led_business_verification_status.json': [UNKNOWN],
  'pywa/account_update__partner_removed.json': [UNKNOWN],
  'pywa/account_update__partner_removed_wa_app_disconnection.json': [UNKNOWN],
  'pywa/account_update__pricing_tiering_update.json': [UNKNOWN],
  'pywa/account_update__primary_business_location_set.json': [UNKNOWN],
  'pywa/call_connect__business_initiated.json': [UNKNOWN],
  'pywa/call_connect__user_initiated.json': [UNKNOWN],
  // interactive.type "call_permission_reply" is not modelled: forward-compatible message.unknown.
  'pywa/call_permission_update__accept.json': ['message.unknown'],
  'pywa/call_permission_update__reject.json': ['message.unknown'],
  // field "calls" carries its own statuses[]/errors[]; the whole change is passed through.
  'pywa/call_status__call_status.json': [UNKNOWN],
  'pywa/call_terminate__call_terminate.json': [UNKNOWN],
  'pywa/callback_button__button.json': ['message.button_reply'],
  'pywa/callback_button__quick_reply.json': ['message.button'],
  'pywa/callback_button__quick_reply_without_context.json': ['message.button'],
  'pywa/callback_selection__callback.json': ['message.list_reply'],
  'pywa/callback_selection__description.json': ['message.list_reply'],
  // "from": "<WHATSAPP_USER_PHONE_NUMBER>" placeholder; a repaired copy is tested below.
  'pywa/deleted_message__revoke.json': [PE],
  'pywa/edited_message__image.json': ['message.edit'],
  'pywa/flow_completion__completion.json': ['message.flow_reply'],
  'pywa/flow_completion__without_flow_token.json': ['message.flow_reply'],
  'pywa/message__animated_sticker.json': ['message.sticker'],
  'pywa/message__audio.json': ['message.audio'],
  'pywa/message__chosen_location.json': ['message.location'],
  'pywa/message__contacts.json': ['message.contacts'],
  'pywa/message__current_location.json': ['message.location'],
  'pywa/message__document.json': ['message.document'],
  'pywa/message__forwarded.json': ['message.text'],
  'pywa/message__forwarded_many_times.json': ['message.text'],
  'pywa/message__image.json': ['message.image'],
  // A bare interactive item plus value.errors[131000] in the same change.
  'pywa/message__interactive_message_with_err.json': ['message.unknown', 'error'],
  'pywa/message__media_with_url.json': ['message.image'],
  'pywa/message__order.json': ['message.order'],
  'pywa/message__reaction.json': ['message.reaction'],
  'pywa/message__referral.json': ['message.text'],
  'pywa/message__reply.json': ['message.text'],
  'pywa/message__static_sticker.json': ['message.sticker'],
  'pywa/message__text.json': ['message.text'],
  'pywa/message__unreaction_empty.json': ['message.reaction'],
  'pywa/message__unreaction_no_emoji.json': ['message.reaction'],
  'pywa/message__unsupported.json': ['message.unsupported'],
  'pywa/message__unsupported_with_type.json': ['message.unsupported'],
  'pywa/message__video.json': ['message.video'],
  'pywa/message__voice.json': ['message.audio'],
  'pywa/message_status__delivered.json': ['status.delivered'],
  'pywa/message_status__failed.json': ['status.failed'],
  'pywa/message_status__group.json': ['status.read'],
  'pywa/message_status__played.json': ['status.played'],
  'pywa/message_status__read.json': ['status.read'],
  'pywa/message_status__sent.json': ['status.sent'],
  'pywa/message_status__with_tracker.json': ['status.sent'],
  // field "smb_message_echoes" (coexistence echoes) is not modelled.
  'pywa/outgoing_message__delete.json': [UNKNOWN],
  'pywa/outgoing_message__edit.json': [UNKNOWN],
  'pywa/outgoing_message__text.json': [UNKNOWN],
  'pywa/system__identity_change.json': ['message.system'],
  'pywa/system__phone_number_change.json': ['message.system'],
  'pywa/template_category_update__marketing.json': [UNKNOWN],
  'pywa/template_components_update__element.json': [UNKNOWN],
  'pywa/template_quality_update__yellow.json': [UNKNOWN],
  'pywa/template_status_update__approved.json': [UNKNOWN],
  'pywa/template_status_update__rejected.json': [UNKNOWN],
  'pywa/user_marketing_preferences__resume.json': [UNKNOWN],
  'pywa/user_marketing_preferences__signup.json': [UNKNOWN],
};

// .txt files that are nonetheless valid JSON (see above); every other .txt / *INVALID* must fail.
const VALID_TXT = new Set([
  'flows/meta_doc_verbatim__flows_FLOW_STATUS_CHANGE_created_draft.txt',
  'flows/meta_doc_verbatim__flows_FLOW_STATUS_CHANGE_draft_to_published.txt',
]);

const files = listFixtures();

describe('parseWebhook — fixture table', () => {
  it('has an entry for every fixture file and no stale entries', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((file) => !(file in EXPECTED))).toEqual([]);
    expect(Object.keys(EXPECTED).filter((file) => !files.includes(file))).toEqual([]);
    expect([...VALID_TXT].filter((file) => !files.includes(file))).toEqual([]);
  });

  it.each(files)('%s', (file) => {
    const bytes = fixtureBytes(file);
    const expected = EXPECTED[file] ?? [];
    const fromBytes = parseWebhook(bytes);
    expect(fromBytes.map((event) => event.kind)).toEqual(expected);
    // A string body gives the same events as its UTF-8 bytes.
    expect(parseWebhook(bytes.toString('utf8'))).toEqual(fromBytes);
    for (const event of fromBytes) expect(event.dedupKey).toMatch(/^(msg|status|sha256):./);
  });

  const invalid = files.filter((file) => (file.endsWith('.txt') || file.includes('INVALID')) && !VALID_TXT.has(file));

  it.each(invalid)('%s yields parse_error only', (file) => {
    const events = parseWebhook(fixtureBytes(file));
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(ofKind(event, 'parse_error').error.length).toBeGreaterThan(10);
  });

  it('reports invalid JSON as exactly one whole-body parse_error keyed on the raw bytes', () => {
    const bytes = fixtureBytes('meta_postman/status_failed_131014_VERBATIM_INVALID_JSON.txt');
    const [event, ...rest] = parseWebhook(bytes);
    expect(rest).toEqual([]);
    const error = ofKind(event, 'parse_error');
    expect(error.error).toMatch(/^body is not valid JSON/);
    expect(error.path).toBeNull();
    expect(error.dedupKey).toBe(`sha256:${sha256Hex(bytes)}`);
  });
});
