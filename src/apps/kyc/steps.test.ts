// KYC logic against a real SQLite database: one file per side with an allowed type and size, the
// consent required, and the submission stored with both files as pending_review.
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredFlowMedia } from '../common/host.js';
import { STALE_FORM_MESSAGE } from '../common/revision.js';
import type { Steps } from '../common/steps.js';
import { openTestStorage, revisionOf, stepInput, type TestStorage } from '../common/test-db.test-util.js';
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

const front = (token: string, media: StoredFlowMedia, documentType = 'passport') =>
  steps.screens.FRONT!(stepInput(token, { document_type: documentType }, NOW, { media: [media] }));
const back = (token: string, revision: string, media: StoredFlowMedia) =>
  steps.screens.BACK!(stepInput(token, { revision }, NOW, { media: [media] }));
const review = (token: string, revision: string, consent = true) =>
  steps.screens.REVIEW!(stepInput(token, { consent, revision }, NOW));

describe('kyc steps', () => {
  it('stores both sides and the consent as pending_review', async () => {
    const frontFile = file('front.png', 'image/png');
    const backFile = file('back.pdf', 'application/pdf');
    const toBack = await front('t', frontFile, 'id_card');
    expect(toBack).toEqual({
      kind: 'next',
      screen: 'BACK',
      data: { front_name: 'Front: front.png', back_errors: {}, revision: revisionOf(toBack) },
    });
    const toReview = await back('t', revisionOf(toBack), backFile);
    expect(toReview).toEqual({
      kind: 'next',
      screen: 'REVIEW',
      data: { summary: 'National ID card: front.png (front), back.pdf (back)', revision: revisionOf(toReview) },
    });
    expect(revisionOf(toReview).startsWith(`${revisionOf(toBack)}.`)).toBe(true);
    expect(await review('t', revisionOf(toReview), false)).toMatchObject({ kind: 'error' });
    expect(await review('t', revisionOf(toReview))).toMatchObject({
      kind: 'complete',
      params: { status: 'pending_review' },
      keepOnlyMedia: [frontFile.mediaId, backFile.mediaId],
    });
    expect(await db.storage.record('kyc', 't')).toMatchObject({
      status: 'pending_review',
      data: { document_type: 'id_card', front: frontFile, back: backFile, consent_at: NOW },
    });
  });

  it('refuses the screens of a stale copy of the form (open twice), so it never submits a mix of both', async () => {
    // The phone reaches REVIEW with a passport; the desktop, on the same token, starts again with an ID card.
    const phoneBack = await front('t', file('passport.png', 'image/png'));
    const phoneReview = await back('t', revisionOf(phoneBack), file('passport-back.pdf', 'application/pdf'));
    const desktopBack = await front('t', file('card.png', 'image/png'), 'id_card');
    // Neither the phone's review nor its back screen counts now; the desktop's copy goes on.
    expect(await review('t', revisionOf(phoneReview))).toEqual({ kind: 'error', message: STALE_FORM_MESSAGE });
    expect(await back('t', revisionOf(phoneBack), file('other.pdf', 'application/pdf'))).toMatchObject({
      kind: 'error',
      message: STALE_FORM_MESSAGE,
    });
    expect(await db.storage.record('kyc', 't')).toMatchObject({ status: 'draft' });
    const desktopReview = await back('t', revisionOf(desktopBack), file('card-back.pdf', 'application/pdf'));
    expect(await review('t', revisionOf(desktopReview))).toMatchObject({ kind: 'complete' });
    expect(await db.storage.record('kyc', 't')).toMatchObject({
      data: { document_type: 'id_card', front: { fileName: 'card.png' }, back: { fileName: 'card-back.pdf' } },
    });
  });

  it('once completed, keeps only the files of the submission, and releases nothing without one', async () => {
    const kept: (readonly string[])[] = [];
    const flow = { keepOnlyMedia: (ids: readonly string[]) => Promise.resolve(kept.push(ids)) };
    await front('t', file('blurry.png', 'image/png'));
    const toBack = await front('t', file('sharp.png', 'image/png'));
    const toReview = await back('t', revisionOf(toBack), file('back.pdf', 'application/pdf'));
    // An nfm_reply before the submission was stored (or for a draft) must not delete the files in it.
    await steps.completed('t', NOW, flow);
    expect(kept).toEqual([]);
    // The finished flow keeps the same two files, whether or not the completion comes.
    expect(await review('t', revisionOf(toReview))).toMatchObject({
      keepOnlyMedia: ['id-sharp.png', 'id-back.pdf'],
    });
    await steps.completed('t', NOW, flow);
    expect(kept).toEqual([['id-sharp.png', 'id-back.pdf']]);
  });

  it('refuses the front file again as the back', async () => {
    const card = file('card.png', 'image/png');
    const toBack = await front('t', card, 'id_card');
    const again = { ...card, mediaId: 'id-second-upload', blobKey: 'flow-media/second' };
    expect(await back('t', revisionOf(toBack), again)).toEqual({
      kind: 'error',
      message: 'That is the same file as the front. Please add a photo of the back of your ID.',
      data: { back_errors: { 'id-second-upload': 'Same file as the front' } },
    });
    expect((await db.storage.draft('kyc', 't')).back).toBeNull();
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
    const toBack = await small.screens.FRONT!(stepInput('t', { document_type: 'passport' }, NOW, { media: [file('a.png', 'image/png')] }));
    const revision = revisionOf(toBack);
    expect(await small.screens.BACK!(stepInput('t', { revision }, NOW, { mediaErrors: { m1: 'This file is too large.' } }))).toEqual({
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
