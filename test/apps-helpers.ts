// Helpers for the ready-flow end-to-end tests: a running Flowgate app with every ready flow, the
// emulator as Meta (webhooks, Flow messages, the encrypting Flow client and its CDN), picker files
// stored by the app's own production storer (the picker's MIME types and max-file-size-kb applied)
// in its FileBlobStore, and real PNG/PDF bytes.
import { deflateSync } from 'node:zlib';
import type { Kysely } from 'kysely';
import { APP_NAMES } from '../src/config/schema.js';
import { registerApps, SqlAppStorage, type AppsOptions } from '../src/apps/index.js';
import type { AppsTables } from '../src/apps/common/tables.js';
import type { BlobStore } from '../src/blobs/index.js';
import { type Emulator, type FlowSession } from '../src/emulator/index.js';
import { createLogger } from '../src/log/index.js';
import { startTestApp, waitFor, type TestApp } from './helpers.js';
import { emulatorWithPywaKey, PYWA_KEY, staticKeys } from './flows-helpers.js';

const ACCESS_TOKEN = 'EAAtest-access-token-0123456789';
const PHONE_NUMBER_ID = '106540352242922';

export interface AppsHarness {
  emulator: Emulator;
  t: TestApp;
  storage: SqlAppStorage;
  /** Where the app stores picker files (its default FileBlobStore under the data dir). */
  blobs: BlobStore;
  /** A customer messages the business (opening the 24-hour window), gets the Flow message, opens it. */
  open(
    flow: string,
    waId: string,
  ): Promise<{
    session: FlowSession;
    token: string;
    /** The same Flow message opened again elsewhere (WhatsApp Desktop): another client, the same token. */
    openAgain: () => FlowSession;
  }>;
  stop(): Promise<void>;
}

export async function startAppsHarness(options: AppsOptions = {}): Promise<AppsHarness> {
  const { emulator, url } = await emulatorWithPywaKey({ statusDelayMs: 5 });
  // No flowMedia override: the app's default storer stores picker files, bounded by each picker's
  // limits (max-file-size-kb, allowed-mime-types) exactly as in production.
  const t = await startTestApp(
    { accessToken: ACCESS_TOKEN, phoneNumberId: PHONE_NUMBER_ID, graphUrl: url },
    {
      flowKeys: staticKeys(PYWA_KEY),
      ...(process.env.APPS_DEBUG === undefined ? {} : { logger: createLogger({ level: 'warn' }) }),
    },
    (app) => {
      registerApps(app, APP_NAMES, options);
    },
  );
  const blobs = t.app.blobs;
  emulator.setWebhookUrl(`${t.url}/webhook`);
  const storage = new SqlAppStorage(t.app.gateway.store.db as unknown as Kysely<AppsTables>);
  const opened = new Set<string>();

  return {
    emulator,
    t,
    storage,
    blobs,
    async open(flow, waId) {
      if (!opened.has(waId)) {
        await emulator.customer(waId, `Customer ${waId.slice(-4)}`).sendText('Hello');
        await waitFor(async () => (await t.app.gateway.store.flows.contact(waId)) ?? undefined, 10_000, 'contact');
        opened.add(waId);
      }
      const sent = await sendFlowRetryingBusy(() =>
        t.app.sendFlow(`+${waId}`, flow, { cta: 'Open', body: `Open ${flow}` }),
      );
      const message = await waitFor(
        () => emulator.sentMessages().find((m) => JSON.stringify(m.body).includes(sent.token)),
        10_000,
        'flow message',
      );
      const openAgain = (): FlowSession =>
        emulator.flowClient({
          endpointUrl: `${t.url}/flows/${flow}`,
          waId,
          flowToken: sent.token,
          flowJson: t.app.flow(flow).json,
          contextMessageId: message.wamid,
        });
      return { session: openAgain(), token: sent.token, openAgain };
    },
    async stop() {
      await t.stop();
      await emulator.close();
    },
  };
}

/**
 * The outbound send transaction reads the contact (24-hour window) before it writes, so on SQLite it
 * can fail at once with SQLITE_BUSY when the ingest thread committed in between (reported to the
 * gateway owner); that is not what these tests are about, so sending is retried a few times.
 */
async function sendFlowRetryingBusy<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const busy = typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'SQLITE_BUSY';
      if (!busy || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 20));
    }
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real, valid RGB PNG of `width` × `height` in one colour. */
export function pngBytes(width: number, height: number, rgb: [number, number, number] = [200, 40, 40]): Uint8Array {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A real one-page PDF with a line of text (correct xref offsets). */
export function pdfBytes(text: string): Uint8Array {
  const stream = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
