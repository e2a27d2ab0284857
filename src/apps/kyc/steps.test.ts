// KYC logic against a real SQLite database: one file per side with an allowed type and size, the
// consent required, and the submission stored with both files as pending_review.
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredFlowMedia } from '../common/host.js';
import type { Steps } from '../common/steps.js';
import { openTestStorage, stepInput, type TestStorage } from '../common/test-db.test-util.js';
import { kycSteps } from './steps.js';

const NOW = Date.parse('2026-01-05T08:00:00Z');
let db: TestStorage;
let steps: Steps;

beforeEach(async () => {
  db = await openTestStorage();
  steps = kycSteps({ allowedMimeTypes: ['image/jpeg', 'image/png', 'application/pdf'], maxFileBytes: 1024 * 1024 }, () => db.storage);
});
afterEach(async () => {
  await db.close();
});

const file = (fileName: string, mimeType: string, size = 2048): StoredFlowMedia => ({
  mediaId: `id-${fileName}`,
  fileName,
  blobKey: `flow-media/${fileName}`,
  mimeType,
  size,
  // The file's content stands in as its name: different names, different files.
  sha256: createHash('sha256').update(fileName).digest('hex'),
});

describe('kyc steps', () => {
  it('stores both sides and the consent as pending_review', async () => {
    const front = file('front.png', 'image/png');
    const back = file('back.pdf', 'application/pdf');
    expect(await steps.screens.FRONT!(stepInput('t', { document_type: 'id_card' }, NOW, { media: [front] }))).toEqual({
      kind: 'next',
      screen: 'BACK',
      data: { front_name: 'Front: front.png', back_errors: {} },
    });
    expect(await steps.screens.BACK!(stepInput('t', {}, NOW, { media: [back] }))).toEqual({
      kind: 'next',
      screen: 'REVIEW',
      data: { summary: 'National ID card: front.png (front), back.pdf (back)' },
    });
    expect(await steps.screens.REVIEW!(stepInput('t', { consent: false }, NOW))).toMatchObject({ kind: 'error' });
    expect(await steps.screens.REVIEW!(stepInput('t', { consent: true }, NOW))).toMatchObject({
      kind: 'complete',
      params: { status: 'pending_review' },
      keepOnlyMedia: [front.mediaId, back.mediaId],
    });
    expect(await db.storage.record('kyc', 't')).toMatchObject({
      status: 'pending_review',
      data: { document_type: 'id_card', front, back, consent_at: NOW },
    });
  });

  it('once completed, keeps only the files of the submission, and releases nothing without one', async () => {
    const kept: (readonly string[])[] = [];
    const flow = { keepOnlyMedia: (ids: readonly string[]) => Promise.resolve(kept.push(ids)) };
    await steps.screens.FRONT!(stepInput('t', { document_type: 'passport' }, NOW, { media: [file('blurry.png', 'image/png')] }));
    await steps.screens.FRONT!(stepInput('t', { document_type: 'passport' }, NOW, { media: [file('sharp.png', 'image/png')] }));
    await steps.screens.BACK!(stepInput('t', {}, NOW, { media: [file('back.pdf', 'application/pdf')] }));
    // An nfm_reply before the submission was stored (or for a draft) must not delete the files in it.
    await steps.completed('t', NOW, flow);
    expect(kept).toEqual([]);
    // The finished flow keeps the same two files, whether or not the completion comes.
    expect(await steps.screens.REVIEW!(stepInput('t', { consent: true }, NOW))).toMatchObject({
      keepOnlyMedia: ['id-sharp.png', 'id-back.pdf'],
    });
    await steps.completed('t', NOW, flow);
    expect(kept).toEqual([['id-sharp.png', 'id-back.pdf']]);
  });

  it('refuses the front file again as the back', async () => {
    const front = file('card.png', 'image/png');
    await steps.screens.FRONT!(stepInput('t', { document_type: 'id_card' }, NOW, { media: [front] }));
    const again = { ...front, mediaId: 'id-second-upload', blobKey: 'flow-media/second' };
    expect(await steps.screens.BACK!(stepInput('t', {}, NOW, { media: [again] }))).toEqual({
      kind: 'error',
      message: 'That is the same file as the front. Please add a photo of the back of your ID.',
      data: { back_errors: { 'id-second-upload': 'Same file as the front' } },
    });
    expect((await db.storage.draft('kyc', 't')).back).toBeUndefined();
  });

  it('opens FRONT with no file errors, and says the limit in KB below 1 MB', async () => {
    expect(await steps.init(stepInput('t', {}, NOW))).toEqual({ kind: 'next', screen: 'FRONT', data: { front_errors: {} } });
    const small = kycSteps({ allowedMimeTypes: ['image/jpeg', 'image/png'], maxFileBytes: 64 * 1024 }, () => db.storage);
    const big = file('a.png', 'image/png', 65 * 1024);
    expect(await small.screens.FRONT!(stepInput('t', { document_type: 'passport' }, NOW, { media: [big] }))).toMatchObject({
      message: 'The file is too large (max 64 KB).',
    });
    expect(await small.screens.FRONT!(stepInput('t', { document_type: 'passport' }, NOW, { media: [file('a.pdf', 'application/pdf')] }))).toMatchObject({
      message: 'Please use a JPEG or PNG file.',
    });
    expect(await small.screens.BACK!(stepInput('t', {}, NOW, { mediaErrors: { m1: 'This file is too large.' } }))).toEqual({
      kind: 'error',
      message: 'Back of your ID: This file is too large.',
      data: { back_errors: { m1: 'This file is too large.' } },
    });
  });

  it('refuses a missing file, two files, other types, files over the limit and media errors', async () => {
    const go = (media: StoredFlowMedia[], mediaErrors: Record<string, string> = {}) =>
      steps.screens.FRONT!(stepInput('t', { document_type: 'passport' }, NOW, { media, mediaErrors }));
    expect(await go([])).toMatchObject({ message: 'Please add the front of your ID.' });
    expect(await go([file('a.png', 'image/png'), file('b.png', 'image/png')])).toMatchObject({ kind: 'error' });
    expect(await go([file('a.gif', 'image/gif')])).toMatchObject({ message: 'Please use a JPEG, PNG or PDF file.' });
    expect(await go([file('a.png', 'image/png', 2 * 1024 * 1024)])).toMatchObject({ message: 'The file is too large (max 1 MB).' });
    expect(await go([], { 'id-x': 'The upload was damaged. Try again.' })).toEqual({
      kind: 'error',
      message: 'Front of your ID: The upload was damaged. Try again.',
      data: { front_errors: { 'id-x': 'The upload was damaged. Try again.' } },
    });
    expect(await steps.screens.FRONT!(stepInput('t', { document_type: 'selfie' }, NOW, { media: [file('a.png', 'image/png')] }))).toMatchObject({
      kind: 'error',
    });
    expect(await steps.screens.BACK!(stepInput('fresh', {}, NOW, { media: [file('b.png', 'image/png')] }))).toMatchObject({ kind: 'error' });
  });
});
