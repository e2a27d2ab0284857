// Preferences logic against a real SQLite database: defaults on first use, the saved choices
// pre-filled next time, and the checks on channels and time zones.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Steps } from '../common/steps.js';
import { STALE_FORM_MESSAGE } from '../common/revision.js';
import { openTestStorage, revisionOf, stepInput, type TestStorage } from '../common/test-db.test-util.js';
import { DEFAULT_TIME_ZONES } from './flow-json.js';
import { preferencesSteps } from './steps.js';

const NOW = Date.parse('2026-01-05T08:00:00Z');
let db: TestStorage;
let steps: Steps;

beforeEach(async () => {
  db = await openTestStorage();
  const defaults = { channels: ['whatsapp'], reminders: true, digest: false, timezone: 'UTC', lead: '1h' };
  steps = preferencesSteps({ timeZones: DEFAULT_TIME_ZONES, defaults }, () => db.storage);
});
afterEach(async () => {
  await db.close();
});

describe('preferences steps', () => {
  it('starts from the defaults, saves, and pre-fills the saved choices next time', async () => {
    expect(await steps.init(stepInput('t1', {}, NOW))).toEqual({
      kind: 'next',
      screen: 'NOTIFICATIONS',
      data: { channels: ['whatsapp'], reminders: true, digest: false },
    });
    const tz = await steps.screens.NOTIFICATIONS!(stepInput('t1', { channels: ['email', 'sms'], reminders: true, digest: true }, NOW));
    expect(tz).toEqual({ kind: 'next', screen: 'TIMEZONE', data: { timezone: 'UTC', lead: '1h', revision: revisionOf(tz) } });
    const done = await steps.screens.TIMEZONE!(
      stepInput('t1', { timezone: 'America/Sao_Paulo', lead: '1d', revision: revisionOf(tz) }, NOW),
    );
    expect(done).toEqual({ kind: 'complete', params: { timezone: 'America/Sao_Paulo', channels: 'email,sms' } });
    expect(await db.storage.latest('preferences', '15551234567')).toMatchObject({
      data: { channels: ['email', 'sms'], reminders: true, digest: true, timezone: 'America/Sao_Paulo', lead: '1d' },
    });

    expect(await steps.init(stepInput('t2', {}, NOW + 1))).toMatchObject({ data: { channels: ['email', 'sms'], digest: true } });
    await steps.screens.NOTIFICATIONS!(stepInput('t2', { channels: ['email'], reminders: false }, NOW + 1));
    expect(await steps.screens.NOTIFICATIONS!(stepInput('t3', { channels: [], reminders: false }, NOW + 2))).toMatchObject({
      data: { timezone: 'America/Sao_Paulo', lead: '1d' },
    });
  });

  it('does not save over what the contact had when the first screen was never answered', async () => {
    const tz = await steps.screens.NOTIFICATIONS!(stepInput('t1', { channels: ['email', 'sms'], reminders: true }, NOW));
    await steps.screens.TIMEZONE!(stepInput('t1', { timezone: 'UTC', lead: '1h', revision: revisionOf(tz) }, NOW));
    expect(await steps.screens.TIMEZONE!(stepInput('t2', { timezone: 'UTC', lead: '10m' }, NOW + 1))).toEqual({
      kind: 'error',
      message: 'Please go back and choose your notifications.',
    });
    expect(await db.storage.latest('preferences', '15551234567')).toMatchObject({
      data: { channels: ['email', 'sms'], reminders: true, lead: '1h' },
    });
  });

  it('refuses unknown channels, reminders without a channel, and zones not offered', async () => {
    expect(await steps.screens.NOTIFICATIONS!(stepInput('t', { channels: ['pigeon'] }, NOW))).toMatchObject({ kind: 'error' });
    expect(await steps.screens.NOTIFICATIONS!(stepInput('t', { channels: [], reminders: true }, NOW))).toMatchObject({ kind: 'error' });
    expect(await steps.screens.TIMEZONE!(stepInput('t', { timezone: 'Mars/Olympus', lead: '1h' }, NOW))).toMatchObject({ kind: 'error' });
    expect(await steps.screens.TIMEZONE!(stepInput('t', { timezone: 'UTC', lead: '1y' }, NOW))).toMatchObject({ kind: 'error' });
  });
  it('needs a channel for the digest too, and pre-selects only a zone the list offers', async () => {
    expect(await steps.screens.NOTIFICATIONS!(stepInput('t', { channels: [], reminders: false, digest: true }, NOW))).toEqual({
      kind: 'error',
      message: 'Pick at least one channel for the daily digest.',
    });
    const tz = await steps.screens.NOTIFICATIONS!(stepInput('t', { channels: ['email'] }, NOW));
    await steps.screens.TIMEZONE!(stepInput('t', { timezone: 'Asia/Kolkata', lead: '1h', revision: revisionOf(tz) }, NOW));
    // The operator trims the list: the saved zone is no longer an option, so the default is shown instead.
    const defaults = { channels: ['whatsapp'], reminders: true, digest: false, timezone: 'UTC', lead: '1h' };
    const trimmed = preferencesSteps({ timeZones: ['UTC', 'Europe/Paris'], defaults }, () => db.storage);
    expect(await trimmed.screens.NOTIFICATIONS!(stepInput('t2', { channels: ['email'] }, NOW + 1))).toMatchObject({
      kind: 'next',
      screen: 'TIMEZONE',
      data: { timezone: 'UTC', lead: '1h' },
    });
  });

  it("refuses the time zone screen of a stale copy of the form (open twice): it would save the other copy's channels", async () => {
    const phone = await steps.screens.NOTIFICATIONS!(stepInput('t', { channels: ['email'], reminders: true }, NOW));
    // The same token opened on the desktop chooses other notifications.
    await steps.screens.NOTIFICATIONS!(stepInput('t', { channels: ['sms'], reminders: false }, NOW));
    expect(await steps.screens.TIMEZONE!(stepInput('t', { timezone: 'UTC', lead: '1h', revision: revisionOf(phone) }, NOW))).toEqual({
      kind: 'error',
      message: STALE_FORM_MESSAGE,
    });
    expect(await db.storage.latest('preferences', '15551234567')).toBeNull();
  });
});
