// One builder per Flow JSON component: camelCase options (`inputType`, `minChars`,
// `onClickAction`, …) become Meta's kebab-case keys, so a flow reads naturally in TypeScript and
// the compiler checks the mapping against the wire types in components.ts.

import { type Options, kebab } from './builders.js';
import type {
  CalendarPicker,
  CheckboxGroup,
  ChipsSelector,
  Component,
  DataSourceItem,
  DatePicker,
  DocumentPicker,
  Dropdown,
  EmbeddedLink,
  Footer,
  FooterCaptions,
  Form,
  If,
  Image,
  ImageCarousel,
  NavigationItem,
  NavigationList,
  OptIn,
  PhotoPicker,
  RadioButtonsGroup,
  RichText,
  Switch,
  TextArea,
  TextBody,
  TextCaption,
  TextHeading,
  TextInput,
  TextSubheading,
} from './components.js';
import { conditionText } from './expressions.js';
import type { TextOrDynamic, UntypedOr } from './types.js';

type Rest<T, K extends keyof Options<T>> = Omit<Options<T>, K>;

export function textHeading(text: TextOrDynamic, options: Rest<TextHeading, 'text'> = {}): TextHeading {
  return { type: 'TextHeading', text, ...kebab(options) };
}

export function textSubheading(text: TextOrDynamic, options: Rest<TextSubheading, 'text'> = {}): TextSubheading {
  return { type: 'TextSubheading', text, ...kebab(options) };
}

export function textBody(text: TextOrDynamic | TextOrDynamic[], options: Rest<TextBody, 'text'> = {}): TextBody {
  return { type: 'TextBody', text, ...kebab(options) };
}

export function textCaption(
  text: TextOrDynamic | TextOrDynamic[],
  options: Rest<TextCaption, 'text'> = {},
): TextCaption {
  return { type: 'TextCaption', text, ...kebab(options) };
}

export function richText(text: TextOrDynamic | TextOrDynamic[], options: Rest<RichText, 'text'> = {}): RichText {
  return { type: 'RichText', text, ...kebab(options) };
}

export function textInput(options: Options<TextInput>): TextInput {
  return { type: 'TextInput', ...kebab(options) };
}

export function textArea(options: Options<TextArea>): TextArea {
  return { type: 'TextArea', ...kebab(options) };
}

/** A data-source option; `onSelectAction`/`onUnselectAction` (update_data) need Flow JSON 6.0. */
export function option(id: string, title: string, options: Rest<DataSourceItem, 'id' | 'title'> = {}): DataSourceItem {
  return { id, title, ...kebab(options) };
}

export function checkboxGroup(options: Options<CheckboxGroup>): CheckboxGroup {
  return { type: 'CheckboxGroup', ...kebab(options) };
}

export function radioButtonsGroup(options: Options<RadioButtonsGroup>): RadioButtonsGroup {
  return { type: 'RadioButtonsGroup', ...kebab(options) };
}

export function dropdown(options: Options<Dropdown>): Dropdown {
  return { type: 'Dropdown', ...kebab(options) };
}

export function chipsSelector(options: Options<ChipsSelector>): ChipsSelector {
  return { type: 'ChipsSelector', ...kebab(options) };
}

export function datePicker(options: Options<DatePicker>): DatePicker {
  return { type: 'DatePicker', ...kebab(options) };
}

export function calendarPicker(options: Options<CalendarPicker>): CalendarPicker {
  return { type: 'CalendarPicker', ...kebab(options) };
}

export function optIn(options: Options<OptIn>): OptIn {
  return { type: 'OptIn', ...kebab(options) };
}

export function embeddedLink(
  text: string,
  action: EmbeddedLink['on-click-action'],
  options: Rest<EmbeddedLink, 'text' | 'onClickAction'> = {},
): EmbeddedLink {
  return { type: 'EmbeddedLink', text, 'on-click-action': action, ...kebab(options) };
}

/** Footer options: `leftCaption` with `rightCaption`, or `centerCaption` alone (SPEC E.5). */
export type FooterOptions = { enabled?: Footer['enabled'] } & (
  | { leftCaption?: never; rightCaption?: never; centerCaption?: string }
  | { leftCaption: string; rightCaption: string; centerCaption?: never }
);

export function footer(label: TextOrDynamic, action: Footer['on-click-action'], options: FooterOptions = {}): Footer {
  // Whatever is given is written (from JavaScript, a combination the types refuse reaches validateFlowJson
  // and is reported there rather than dropped here).
  const captions = kebab(options) as FooterCaptions & { enabled?: Footer['enabled'] };
  return { type: 'Footer', label, 'on-click-action': action, ...captions };
}

export function image(src: string, options: Rest<Image, 'src'> = {}): Image {
  return { type: 'Image', src, ...kebab(options) };
}

export function imageCarousel(
  images: ImageCarousel['images'],
  options: Rest<ImageCarousel, 'images'> = {},
): ImageCarousel {
  return { type: 'ImageCarousel', images, ...kebab(options) };
}

/**
 * The `If` component (Flow JSON 4.0+); a Footer in one branch needs one in the other. The condition
 * is a string such as "${form.topic} == 'other'" or an `expr` boolean (or `expr.not(…)`) condition,
 * written without the backticks a nested expression has elsewhere (SPEC E.5, E.7).
 */
export function ifElse(condition: UntypedOr<'boolean' | 'condition'>, then: Component[], otherwise?: Component[]): If {
  const bare = conditionText(condition);
  return otherwise === undefined
    ? { type: 'If', condition: bare, then }
    : { type: 'If', condition: bare, then, else: otherwise };
}

/** The `Switch` component (Flow JSON 4.0+). */
export function switchOn(value: Switch['value'], cases: Switch['cases']): Switch {
  return { type: 'Switch', value, cases };
}

export function navigationItem(
  id: string,
  mainContent: NavigationItem['main-content'],
  options: Rest<NavigationItem, 'id' | 'mainContent'> = {},
): NavigationItem {
  return { id, 'main-content': mainContent, ...kebab(options) };
}

export function navigationList(options: Options<NavigationList>): NavigationList {
  return { type: 'NavigationList', ...kebab(options) };
}

export function photoPicker(options: Options<PhotoPicker>): PhotoPicker {
  return { type: 'PhotoPicker', ...kebab(options) };
}

export function documentPicker(options: Options<DocumentPicker>): DocumentPicker {
  return { type: 'DocumentPicker', ...kebab(options) };
}

export function form(name: string, children: Component[], options: Rest<Form, 'name' | 'children'> = {}): Form {
  return { type: 'Form', name, children, ...kebab(options) };
}
