// Wire types of every Flow JSON component (SPEC E.5 and B.1), keyed exactly as Meta spells them.
// There is no `MediaUpload` component (SPEC B.1, F.1): media come in through PhotoPicker and
// DocumentPicker.

import type {
  BooleanOrDynamic,
  CompleteAction,
  DataExchangeAction,
  Dynamic,
  NavigateAction,
  NumberExpression,
  NumberOrDynamic,
  OpenUrlAction,
  StringExpression,
  Name,
  TextOrDynamic,
  UpdateDataAction,
} from './types.js';

export type FontWeight = 'bold' | 'italic' | 'bold_italic' | 'normal';
export type InputType = 'text' | 'number' | 'email' | 'password' | 'passcode' | 'phone';
export type MediaSize = 'regular' | 'large';
export type ScaleType = 'cover' | 'contain';
export type PhotoSource = 'camera_gallery' | 'camera' | 'gallery';
export type Weekday = 'Mon' | 'Tue' | 'Wed' | 'Thu' | 'Fri' | 'Sat' | 'Sun';

/** The MIME types a DocumentPicker may restrict itself to (SPEC B.1). */
export const DOCUMENT_MIME_TYPES = [
  'application/gzip',
  'application/msword',
  'application/pdf',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'application/vnd.oasis.opendocument.presentation',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/x-7z-compressed',
  'application/zip',
  'image/avif',
  'image/gif',
  'image/heic',
  'image/heif',
  'image/jpeg',
  'image/png',
  'image/tiff',
  'image/webp',
  'text/plain',
  'video/mp4',
  'video/mpeg',
] as const;

export type DocumentMimeType = (typeof DOCUMENT_MIME_TYPES)[number];

/** Text shown once or per end of a CalendarPicker range. */
export type RangeValue<T> = T | { 'start-date': T; 'end-date': T };

export interface TextHeading {
  type: 'TextHeading';
  text: TextOrDynamic;
  visible?: BooleanOrDynamic;
}

export interface TextSubheading {
  type: 'TextSubheading';
  text: TextOrDynamic;
  visible?: BooleanOrDynamic;
}

interface TextBlock {
  /** A string array is joined line by line (markdown, Flow JSON 5.1+). */
  text: TextOrDynamic | TextOrDynamic[];
  'font-weight'?: FontWeight | Dynamic;
  strikethrough?: BooleanOrDynamic;
  visible?: BooleanOrDynamic;
  /** Flow JSON 5.1+. */
  markdown?: boolean;
}

export interface TextBody extends TextBlock {
  type: 'TextBody';
}

export interface TextCaption extends TextBlock {
  type: 'TextCaption';
}

/** Flow JSON 5.1+. */
export interface RichText {
  type: 'RichText';
  text: TextOrDynamic | TextOrDynamic[];
  visible?: BooleanOrDynamic;
}

export interface TextInput {
  type: 'TextInput';
  name: Name;
  label: TextOrDynamic;
  /** Flow JSON 7.0+. */
  'label-variant'?: 'large';
  'input-type'?: InputType;
  /** Flow JSON 6.2+; needs `helper-text`. */
  pattern?: string;
  required?: BooleanOrDynamic;
  'min-chars'?: NumberOrDynamic;
  'max-chars'?: NumberOrDynamic;
  'helper-text'?: TextOrDynamic;
  enabled?: BooleanOrDynamic;
  visible?: BooleanOrDynamic;
  /** Flow JSON 4.0+, outside a Form. */
  'init-value'?: string;
  'error-message'?: string;
}

export interface TextArea {
  type: 'TextArea';
  name: Name;
  label: TextOrDynamic;
  'label-variant'?: 'large';
  required?: BooleanOrDynamic;
  'max-length'?: NumberOrDynamic;
  'helper-text'?: TextOrDynamic;
  enabled?: BooleanOrDynamic;
  visible?: BooleanOrDynamic;
  'init-value'?: string;
  'error-message'?: string;
}

/** One option of a CheckboxGroup, RadioButtonsGroup, Dropdown or ChipsSelector. */
export type DataSourceItem = {
  id: string;
  title: string;
  description?: string;
  metadata?: string;
  enabled?: boolean;
  /** Base64 image, Flow JSON 5.0+. */
  image?: string;
  'alt-text'?: string;
  color?: string;
  /** Flow JSON 6.0+. */
  'on-select-action'?: UpdateDataAction;
  'on-unselect-action'?: UpdateDataAction;
};

export type DataSource = DataSourceItem[] | Dynamic;

interface SelectionBase {
  name: Name;
  'data-source': DataSource;
  required?: BooleanOrDynamic;
  enabled?: BooleanOrDynamic;
  visible?: BooleanOrDynamic;
  'on-select-action'?: DataExchangeAction | UpdateDataAction;
  'error-message'?: string;
}

export interface CheckboxGroup extends SelectionBase {
  type: 'CheckboxGroup';
  /** Required from Flow JSON 4.0. */
  label?: TextOrDynamic;
  description?: TextOrDynamic;
  'min-selected-items'?: NumberOrDynamic;
  'max-selected-items'?: NumberOrDynamic;
  'init-value'?: string[] | Dynamic;
  'media-size'?: MediaSize;
}

export interface RadioButtonsGroup extends SelectionBase {
  type: 'RadioButtonsGroup';
  label?: TextOrDynamic;
  description?: TextOrDynamic;
  'init-value'?: string;
  'media-size'?: MediaSize;
}

export interface Dropdown extends SelectionBase {
  type: 'Dropdown';
  label: TextOrDynamic;
  'init-value'?: string;
}

/** Flow JSON 6.3+. */
export interface ChipsSelector extends SelectionBase {
  type: 'ChipsSelector';
  label: TextOrDynamic;
  description?: TextOrDynamic;
  'min-selected-items'?: NumberOrDynamic;
  'max-selected-items'?: NumberOrDynamic;
  'init-value'?: string[] | Dynamic;
  'on-unselect-action'?: UpdateDataAction;
}

export interface DatePicker {
  type: 'DatePicker';
  name: Name;
  label: TextOrDynamic;
  /** `"YYYY-MM-DD"` from 5.0; a millisecond timestamp string before. */
  'min-date'?: string;
  'max-date'?: string;
  'unavailable-dates'?: string[] | Dynamic;
  'helper-text'?: TextOrDynamic;
  required?: BooleanOrDynamic;
  enabled?: BooleanOrDynamic;
  visible?: BooleanOrDynamic;
  'on-select-action'?: DataExchangeAction;
  'init-value'?: string;
  'error-message'?: string;
}

/** What both modes of a CalendarPicker (Flow JSON 6.1+) have. */
interface CalendarPickerBase {
  type: 'CalendarPicker';
  name: Name;
  'min-date'?: string;
  'max-date'?: string;
  'unavailable-dates'?: string[] | Dynamic;
  'include-days'?: readonly Weekday[];
  enabled?: BooleanOrDynamic;
  visible?: BooleanOrDynamic;
  'on-select-action'?: DataExchangeAction;
}

/** A CalendarPicker choosing one date (the default mode): one label, helper text, value and message. */
export interface SingleCalendarPicker extends CalendarPickerBase {
  mode?: 'single';
  label: string;
  /** Range mode only (named here so that TypeScript refuses them without `mode: 'range'`). */
  title?: never;
  description?: never;
  'min-days'?: never;
  'max-days'?: never;
  'helper-text'?: string;
  required?: BooleanOrDynamic;
  'init-value'?: string;
  'error-message'?: string;
}

/**
 * A CalendarPicker choosing a start and an end date: a title, a description, bounds on the number of days,
 * and label, helper text, required, value and message once or per end (`{"start-date", "end-date"}`).
 */
export interface RangeCalendarPicker extends CalendarPickerBase {
  mode: 'range';
  label: RangeValue<string>;
  title?: TextOrDynamic;
  description?: TextOrDynamic;
  'min-days'?: NumberOrDynamic;
  'max-days'?: NumberOrDynamic;
  'helper-text'?: RangeValue<string>;
  required?: RangeValue<BooleanOrDynamic>;
  'init-value'?: RangeValue<string>;
  'error-message'?: RangeValue<string>;
}

/** Flow JSON 6.1+ (SPEC E.5): the mode decides which properties it takes and whether they come per end. */
export type CalendarPicker = SingleCalendarPicker | RangeCalendarPicker;

export interface OptIn {
  type: 'OptIn';
  name: Name;
  label: TextOrDynamic;
  required?: BooleanOrDynamic;
  visible?: BooleanOrDynamic;
  /** Shows "Read more"; open_url from 6.0. */
  'on-click-action'?: DataExchangeAction | NavigateAction | OpenUrlAction;
  'init-value'?: BooleanOrDynamic;
}

export interface EmbeddedLink {
  type: 'EmbeddedLink';
  text: string;
  'on-click-action': DataExchangeAction | NavigateAction | OpenUrlAction;
  visible?: BooleanOrDynamic;
}

/** A Footer's captions (SPEC E.5): `left-caption` with `right-caption`, or `center-caption` alone, or none. */
export type FooterCaptions =
  | { 'left-caption'?: never; 'right-caption'?: never; 'center-caption'?: string }
  | { 'left-caption': string; 'right-caption': string; 'center-caption'?: never };

export type Footer = {
  type: 'Footer';
  label: TextOrDynamic;
  'on-click-action': NavigateAction | CompleteAction | DataExchangeAction;
  enabled?: BooleanOrDynamic;
} & FooterCaptions;

export interface Image {
  type: 'Image';
  /** Base64 JPEG/PNG. */
  src: string;
  width?: number;
  height?: number;
  'scale-type'?: ScaleType;
  'aspect-ratio'?: number;
  'alt-text'?: string;
  visible?: BooleanOrDynamic;
}

/** Flow JSON 7.1+. */
export interface ImageCarousel {
  type: 'ImageCarousel';
  images: { src: string; 'alt-text': string }[] | Dynamic;
  'aspect-ratio'?: '4:3' | '16:9';
  'scale-type'?: ScaleType;
  visible?: BooleanOrDynamic;
}

/** Flow JSON 4.0+. */
export interface If {
  type: 'If';
  /** A bare boolean expression, without the backticks of a nested expression (SPEC E.5, E.7). */
  condition: string;
  then: Component[];
  else?: Component[];
}

/** Flow JSON 4.0+. */
export interface Switch {
  type: 'Switch';
  value: Dynamic | StringExpression | NumberExpression;
  cases: Record<string, Component[]>;
}

export type NavigationItem = {
  id: string;
  'main-content': { title: string; description?: string; metadata?: string };
  start?: { image: string; 'alt-text'?: string };
  end?: { title?: string; description?: string; metadata?: string };
  badge?: string;
  tags?: string[];
  'on-click-action'?: DataExchangeAction | NavigateAction;
};

/** Flow JSON 6.2+; alone on a non-terminal screen. */
export interface NavigationList {
  type: 'NavigationList';
  name: Name;
  'list-items': NavigationItem[] | Dynamic;
  label?: TextOrDynamic;
  description?: TextOrDynamic;
  'media-size'?: MediaSize;
  'on-click-action'?: DataExchangeAction | NavigateAction;
  visible?: BooleanOrDynamic;
}

interface PickerBase {
  name: Name;
  label: TextOrDynamic;
  description?: TextOrDynamic;
  /** KiB, [1, 25600], default 25600. */
  'max-file-size-kb'?: NumberOrDynamic;
  enabled?: BooleanOrDynamic;
  visible?: BooleanOrDynamic;
  /** For the whole picker; per media id only through data: `${data.x}` holding {"<media_id>": "<error>"} (SPEC B.1). */
  'error-message'?: string;
}

/** Flow JSON 4.0+. */
export interface PhotoPicker extends PickerBase {
  type: 'PhotoPicker';
  'photo-source'?: PhotoSource;
  /** [0, 30], default 0 (optional). */
  'min-uploaded-photos'?: NumberOrDynamic;
  /** [1, 30], default 30. */
  'max-uploaded-photos'?: NumberOrDynamic;
}

/** Flow JSON 4.0+. */
export interface DocumentPicker extends PickerBase {
  type: 'DocumentPicker';
  'min-uploaded-documents'?: NumberOrDynamic;
  'max-uploaded-documents'?: NumberOrDynamic;
  'allowed-mime-types'?: readonly DocumentMimeType[];
}

export interface Form {
  type: 'Form';
  name: Name;
  children: Component[];
  /** By input name: a string, option ids, an OptIn's boolean, a range CalendarPicker's start and end (7.0+ checks them). */
  'init-values'?: Record<string, string | string[] | boolean | { 'start-date': string; 'end-date': string }> | Dynamic;
  'error-messages'?: Record<string, RangeValue<string>> | Dynamic;
}

export type Component =
  | TextHeading
  | TextSubheading
  | TextBody
  | TextCaption
  | RichText
  | TextInput
  | TextArea
  | CheckboxGroup
  | RadioButtonsGroup
  | Dropdown
  | ChipsSelector
  | DatePicker
  | CalendarPicker
  | OptIn
  | EmbeddedLink
  | Footer
  | Image
  | ImageCarousel
  | If
  | Switch
  | NavigationList
  | PhotoPicker
  | DocumentPicker
  | Form;

export type ComponentType = Component['type'];

/** Components that take user input and may be read with `${form.<name>}`. */
export type InputComponent = Extract<
  Component,
  {
    type:
      | 'TextInput'
      | 'TextArea'
      | 'CheckboxGroup'
      | 'RadioButtonsGroup'
      | 'Dropdown'
      | 'ChipsSelector'
      | 'DatePicker'
      | 'CalendarPicker'
      | 'OptIn'
      | 'PhotoPicker'
      | 'DocumentPicker';
  }
>;

export type InputComponentType = InputComponent['type'];
