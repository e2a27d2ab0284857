// The feedback survey flow: register(app, options) serves it at /flows/survey.
import { storageFor, type CommonAppOptions, type FlowHost } from '../common/host.js';
import { flowOptions } from '../common/steps.js';
import { surveyFlowJson } from './flow-json.js';
import { surveySteps } from './steps.js';

export { surveyFlowJson } from './flow-json.js';
export { surveySteps, SURVEY_APP, type SurveyResponse } from './steps.js';

export interface SurveyOptions extends CommonAppOptions {
  /** Shown under the first heading. */
  business?: string;
}

export function register(app: FlowHost, options: SurveyOptions = {}): void {
  const steps = surveySteps({ business: options.business ?? 'We would love to hear from you.' }, storageFor(app, options.storage));
  app.flow('survey', flowOptions(surveyFlowJson(), steps, options.now ?? Date.now));
}
