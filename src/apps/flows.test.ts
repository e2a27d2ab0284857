// Every ready flow's Flow JSON — in each of its configurable shapes — passes the offline validator
// with no errors and no warnings, and uses only real components (PhotoPicker/DocumentPicker, never
// a "MediaUpload").
import { describe, expect, it } from 'vitest';
import { summarizeFindings, validateFlowJson, type FlowJson } from '../protocol/index.js';
import { bookingFlowJson } from './booking/flow-json.js';
import { budgetFlowJson } from './budget/flow-json.js';
import { expenseFlowJson } from './expense/flow-json.js';
import { kycFlowJson } from './kyc/flow-json.js';
import { preferencesFlowJson } from './preferences/flow-json.js';
import { scheduleFlowJson } from './schedule/flow-json.js';
import { surveyFlowJson } from './survey/flow-json.js';

const cases: [string, FlowJson, number][] = [
  ['booking', bookingFlowJson(), 4],
  ['expense', expenseFlowJson(), 2],
  ['expense (own categories, 2 MB receipts)', expenseFlowJson([{ id: 'fuel', title: 'Fuel' }], 2048), 2],
  ['survey', surveyFlowJson(), 4],
  ['preferences', preferencesFlowJson(), 2],
  ['preferences (own zones)', preferencesFlowJson(['UTC', 'America/Argentina/Buenos_Aires']), 2],
  ['schedule', scheduleFlowJson(), 5],
  ['budget', budgetFlowJson(), 4],
  ['kyc (DocumentPicker)', kycFlowJson(), 3],
  ['kyc (PhotoPicker, 5 MB)', kycFlowJson({ picker: 'photo', maxFileSizeKb: 5120 }), 3],
];

describe('ready flows: Flow JSON', () => {
  it.each(cases)('%s validates clean', (_name, json, screens) => {
    const findings = validateFlowJson(json);
    expect(findings, summarizeFindings(findings)).toEqual([]);
    // Also as the JSON text Meta receives.
    expect(validateFlowJson(JSON.stringify(json))).toEqual([]);
    expect(json.screens).toHaveLength(screens);
    expect(json.data_api_version).toBe('3.0');
    expect(json.version).toBe('7.3');
    expect(json.screens.map((s) => s.id)).not.toContain('SUCCESS');
  });

  it('uses only PhotoPicker/DocumentPicker for files, with the KYC MIME types and size limits', () => {
    const text = JSON.stringify(kycFlowJson());
    expect(text).not.toContain('MediaUpload');
    const pickers = kycFlowJson().screens.flatMap((s) => s.layout.children.filter((c) => c.type === 'DocumentPicker'));
    expect(pickers).toHaveLength(2);
    for (const picker of pickers) {
      expect(picker).toMatchObject({
        'allowed-mime-types': ['image/jpeg', 'image/png', 'application/pdf'],
        'max-file-size-kb': 10240,
        'min-uploaded-documents': 1,
        'max-uploaded-documents': 1,
      });
    }
  });

  it('booking uses a DatePicker and a dynamic slot list; schedule a range CalendarPicker', () => {
    const booking = JSON.stringify(bookingFlowJson());
    expect(booking).toContain('"type":"DatePicker"');
    expect(booking).toContain('"data-source":"${data.slots}"');
    const range = scheduleFlowJson().screens[0]!.layout.children.find((c) => c.type === 'CalendarPicker');
    expect(range).toMatchObject({ mode: 'range', 'max-days': 7 });
  });
});
