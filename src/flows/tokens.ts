// Flow tokens: issued when Flowgate sends a Flow message, checked on every endpoint request (427 when
// unknown, for another flow, completed or expired), completed when the endpoint answers SUCCESS or by the
// nfm_reply webhook, whichever comes first.
import { randomBytes } from 'node:crypto';
import type { FlowTokenRow } from '../store/flows.js';
import type { FlowContact, FlowTokenRecord } from './types.js';

/** 24 random bytes (192 bits) in base64url, prefixed so a token is recognisable in a support ticket. */
export function newFlowToken(): string {
  return `ft_${randomBytes(24).toString('base64url')}`;
}

export function toTokenRecord(row: FlowTokenRow): FlowTokenRecord {
  return {
    token: row.token,
    flow: row.flow,
    waId: row.wa_id,
    phoneNumberId: row.phone_number_id,
    state: row.state,
    data: parseObject(row.data),
    outboundId: row.outbound_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    completedAt: row.completed_at,
  };
}

/** A JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseObject(json: string | null): Record<string, unknown> | null {
  if (json === null) return null;
  try {
    const value: unknown = JSON.parse(json);
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}

export type TokenVerdict =
  | { ok: true; record: FlowTokenRecord; screens: Record<string, Record<string, unknown>> }
  | { ok: false; reason: 'unknown' | 'other_flow' | 'completed' | 'expired'; row: FlowTokenRow | null };

export function judgeToken(row: FlowTokenRow | null, flow: string, now: number): TokenVerdict {
  if (row === null) return { ok: false, reason: 'unknown', row };
  if (row.flow !== flow) return { ok: false, reason: 'other_flow', row };
  if (row.state === 'completed') return { ok: false, reason: 'completed', row };
  if (row.state === 'expired' || row.expires_at <= now) return { ok: false, reason: 'expired', row };
  const screens = (parseObject(row.screens) ?? {}) as Record<string, Record<string, unknown>>;
  return { ok: true, record: toTokenRecord(row), screens };
}

/** What the customer sees on a 427 (the client decrypts the body and shows error_msg). */
export const TOKEN_MESSAGES: Readonly<Record<'unknown' | 'other_flow' | 'completed' | 'expired', string>> = {
  unknown: 'This form is no longer available.',
  other_flow: 'This form is no longer available.',
  completed: 'You have already submitted this form.',
  expired: 'This form has expired. Please ask for a new one.',
};

export function toContact(waId: string, row: { phone: string; profile_name: string | null } | null): FlowContact {
  return { waId, phone: row?.phone ?? `+${waId}`, profileName: row?.profile_name ?? null };
}
