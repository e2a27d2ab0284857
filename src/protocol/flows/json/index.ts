// Flow JSON: wire types, builders, the offline validator and the runtime lookups. Re-exports only.

export type * from './types.js';
export type * from './components.js';
export { DOCUMENT_MIME_TYPES } from './components.js';
export {
  DATA_API_VERSIONS,
  FLOW_JSON_VERSIONS,
  FROZEN_FLOW_JSON_VERSIONS,
  LATEST_FLOW_JSON_VERSION,
  compareVersions,
  isDataApiVersion,
  isFlowJsonVersion,
} from './version.js';
export {
  complete,
  dataExchange,
  field,
  flow,
  navigate,
  openUrl,
  ref,
  screen,
  updateData,
  type FlowOptions,
  type Options as ComponentOptions,
  type ScreenOptions,
} from './builders.js';
export {
  calendarPicker,
  checkboxGroup,
  chipsSelector,
  datePicker,
  documentPicker,
  dropdown,
  embeddedLink,
  footer,
  form,
  ifElse,
  image,
  imageCarousel,
  navigationItem,
  navigationList,
  optIn,
  option,
  photoPicker,
  radioButtonsGroup,
  richText,
  switchOn,
  textArea,
  textBody,
  textCaption,
  textHeading,
  textInput,
  textSubheading,
} from './component-builders.js';
export type { FooterOptions } from './component-builders.js';
export {
  expr,
  type BooleanOperand,
  type ConditionOperand,
  type NumberOperand,
  type StringOperand,
  type TextPart,
} from './expressions.js';
export { FlowExpressionError } from './expression-error.js';
export { findReferences, type Reference } from './references.js';
export { isInputType } from './catalog.js';
export { walkComponents, type ComponentVisit } from './walk.js';
export {
  hasErrors,
  summarizeFindings,
  validateFlowJson,
  type FlowErrorCode,
  type FlowFinding,
  type FlowFindingSeverity,
} from './validate.js';
export {
  allowedTransitions,
  declaredDataKeys,
  inputComponents,
  CONSTRAINT_PROPERTIES,
  screenActionsNamed,
  screenById,
  terminalScreens,
  type InputConstraints,
  type InputField,
  type ScreenAction,
} from './runtime.js';
