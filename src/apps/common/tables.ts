// Kysely table types of the apps' tables (created by the store's migration 0005_apps).
import type { Generated } from 'kysely';

export interface AppRecordsTable {
  id: Generated<number>;
  app: string;
  flow_token: string;
  wa_id: string;
  status: string;
  /** JSON text. */
  data: string;
  created_at: number;
  updated_at: number;
  submitted_at: number | null;
  completed_at: number | null;
}

export interface AppBookingsTable {
  id: Generated<number>;
  resource: string;
  slot_start: string;
  slot_end: string;
  flow_token: string;
  wa_id: string;
  status: string;
  hold_expires_at: number | null;
  name: string | null;
  email: string | null;
  notes: string | null;
  created_at: number;
  confirmed_at: number | null;
  completed_at: number | null;
}

export interface AppsTables {
  app_records: AppRecordsTable;
  app_bookings: AppBookingsTable;
}
