// The small storage API the ready flows keep their state through: one record per (app, flow token)
// — a draft while the flow is open, the submitted record after — and the bookings of the booking app.
// SqlAppStorage (sql-storage.ts) implements it on the app's own database.

export type AppRecordStatus = 'draft' | 'submitted' | 'pending_review';

export interface AppRecord {
  id: number;
  app: string;
  flowToken: string;
  waId: string;
  status: AppRecordStatus;
  data: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
  /** When the final screen stored the record. */
  submittedAt: number | null;
  /** When the nfm_reply completion webhook arrived. */
  completedAt: number | null;
}

export type BookingStatus = 'held' | 'confirmed';

export interface Booking {
  id: number;
  resource: string;
  /** ISO 8601 UTC instants. */
  slotStart: string;
  slotEnd: string;
  flowToken: string;
  waId: string;
  status: BookingStatus;
  holdExpiresAt: number | null;
  name: string | null;
  email: string | null;
  notes: string | null;
  createdAt: number;
  confirmedAt: number | null;
  completedAt: number | null;
}

export interface HoldRequest {
  resource: string;
  slotStart: string;
  slotEnd: string;
  flowToken: string;
  waId: string;
  now: number;
  expiresAt: number;
}

export type HoldResult = { ok: true; booking: Booking } | { ok: false; reason: 'taken' };

export interface BookingDetails {
  name: string;
  email: string;
  notes: string | null;
}

export interface BookingStorage {
  /**
   * Holds a slot for a flow token in one transaction: after dropping the expired holds it overlaps, it
   * fails (`taken`) when any booking in force overlaps its time, keeping the token's previous hold;
   * otherwise that previous hold is released and the slot inserted (the unique (resource, slot_start)
   * index backs it up).
   */
  hold(request: HoldRequest): Promise<HoldResult>;
  /** Bookings confirmed, or held by someone else and unexpired, whose time overlaps [fromIso, toIso). */
  busy(
    resource: string,
    fromIso: string,
    toIso: string,
    now: number,
    exceptToken?: string,
  ): Promise<{ start: string; end: string }[]>;
  /**
   * Confirms the token's held booking (idempotent: a confirmed one is returned as it is); null when its
   * hold was lost to someone else, or its slot starts before `earliestStart` (epoch ms: too soon to book).
   */
  confirm(flowToken: string, details: BookingDetails, now: number, earliestStart: number): Promise<Booking | null>;
  byToken(flowToken: string): Promise<Booking | null>;
  list(resource: string): Promise<Booking[]>;
  markCompleted(flowToken: string, now: number): Promise<boolean>;
}

export interface AppStorage {
  /** The draft data of an open flow, {} when there is none. */
  draft(app: string, flowToken: string): Promise<Record<string, unknown>>;
  /** Merges `patch` into the draft (created on first use) and returns the merged data. */
  saveDraft(app: string, flowToken: string, waId: string, patch: Record<string, unknown>, now: number): Promise<Record<string, unknown>>;
  /** Stores the final record for a flow token (idempotent: a repeated submit overwrites the same row). */
  submit(
    app: string,
    flowToken: string,
    waId: string,
    data: Record<string, unknown>,
    status: Exclude<AppRecordStatus, 'draft'>,
    now: number,
  ): Promise<AppRecord>;
  /** Marks the record completed (the nfm_reply arrived); false when there is no submitted record. */
  markCompleted(app: string, flowToken: string, now: number): Promise<boolean>;
  record(app: string, flowToken: string): Promise<AppRecord | null>;
  /** The newest submitted record of a contact. */
  latest(app: string, waId: string): Promise<AppRecord | null>;
  /** Submitted records, newest first. */
  list(app: string, options?: { waId?: string; limit?: number }): Promise<AppRecord[]>;
  readonly bookings: BookingStorage;
}
