// The endpoint's lookups against real fixtures: screens by id, allowed transitions from the
// routing model or from navigate actions, input components with constraints, declared data keys.

import { describe, expect, it } from 'vitest';
import { loadFixture } from './fixture-util.test-util.js';
import { allowedTransitions, declaredDataKeys, inputComponents, screenById, terminalScreens } from './runtime.js';
import type { FlowJson } from './types.js';
import { validateFlowJson } from './validate.js';

function fixture(name: string): FlowJson {
  const doc = loadFixture(name);
  expect(validateFlowJson(doc).filter((finding) => finding.severity === 'error')).toEqual([]);
  return doc as unknown as FlowJson;
}

describe('Flow JSON runtime helpers', () => {
  it('find screens by id', () => {
    const flow = fixture('pywa_v2_1__sign_in.json');
    expect(screenById(flow, 'FORGOT_PASSWORD')?.title).toBe('Forgot password');
    expect(screenById(flow, 'NOPE')).toBeUndefined();
    expect(terminalScreens(flow)).toEqual(['SIGN_IN', 'FORGOT_PASSWORD']);
  });

  it('read allowed transitions from the routing model', () => {
    const flow = fixture('pywa_v2_1__sign_in.json');
    expect(allowedTransitions(flow, 'SIGN_IN')).toEqual(['SIGN_UP', 'FORGOT_PASSWORD']);
    expect(allowedTransitions(flow, 'FORGOT_PASSWORD')).toEqual([]);
    expect(allowedTransitions(flow, 'NOPE')).toEqual([]);
  });

  it('derive transitions from navigate actions when there is no routing model', () => {
    const flow = fixture('meta_docs_example__purchase_intent_v7_2.json');
    expect(allowedTransitions(flow, 'JOIN_NOW')).toEqual(['TERMS_AND_CONDITIONS', 'CATEGORIES']);
    expect(allowedTransitions(flow, 'CATEGORIES')).toEqual([]);
  });

  it('list input components with their constraints, through Form, If and Switch', () => {
    const flow = fixture('pywa_v4_0__photo_picker.json');
    const first = screenById(flow, 'FIRST');
    expect(first && inputComponents(first)).toEqual([
      {
        name: 'photo_picker',
        type: 'PhotoPicker',
        required: false,
        conditional: false,
        inForm: true,
        constraints: { minUploads: 1, maxUploads: 10, maxFileSizeKb: 10240, photoSource: 'camera_gallery' },
        label: 'Upload photos',
      },
    ]);
    const signIn = fixture('pywa_v2_1__sign_in.json');
    const fields = inputComponents(signIn.screens[0]!);
    expect(fields.map((f) => [f.name, f.type, f.required, f.constraints.inputType])).toEqual([
      ['email', 'TextInput', true, 'email'],
      ['password', 'TextInput', true, 'password'],
    ]);
    expect(fields[0]?.constraints.maxChars).toBe(80);
  });

  it('mark inputs inside If/Switch branches as conditional and read static options', () => {
    const flow = fixture('pywa_v4_0__if.json');
    const doc = fixture('pywa_v4_0__doc_picker.json');
    expect(inputComponents(flow.screens[0]!).map((f) => [f.name, f.conditional])).toEqual([['animal', false]]);
    expect(inputComponents(doc.screens[0]!)[0]?.constraints).toMatchObject({
      minUploads: 1,
      maxUploads: 1,
      maxFileSizeKb: 1024,
      allowedMimeTypes: ['image/jpeg', 'application/pdf'],
    });
    const survey = fixture('meta_WhatsApp-Flows-Tools__articles_creating-surveys_survey.json');
    expect(inputComponents(survey.screens[0]!)[0]?.constraints.options).toEqual(['0', '1', '2', '3', '4']);
  });

  it('list the data keys a screen declares', () => {
    const flow = fixture('pywa_v2_1__book_a_table.json');
    expect(declaredDataKeys(screenById(flow, 'BOOKING_CONFIRMATION')!)).toEqual([
      'date',
      'time',
      'people',
      'location',
      'name',
      'special_occasion',
    ]);
    expect(declaredDataKeys(screenById(flow, 'BOOKING_DETAILS')!)).toEqual([]);
  });
});
