// The feedback survey Flow JSON over four screens: RATINGS (RadioButtonsGroup) → CHOICES
// (CheckboxGroup) → COMMENTS (free text, contact opt-in) → THANKS (summary and confirm).
import {
  checkboxGroup,
  dataExchange,
  field,
  flow,
  footer,
  optIn,
  option,
  radioButtonsGroup,
  ref,
  screen,
  textArea,
  textBody,
  textHeading,
  textSubheading,
  type FlowJson,
} from '../../protocol/index.js';

export const RATING_OPTIONS = [
  option('5', '★★★★★ Excellent'),
  option('4', '★★★★ Good'),
  option('3', '★★★ Average'),
  option('2', '★★ Poor'),
  option('1', '★ Very poor'),
];

export const RECOMMEND_OPTIONS = [
  option('very_likely', 'Very likely'),
  option('likely', 'Likely'),
  option('unsure', 'Not sure'),
  option('unlikely', 'Unlikely'),
];

export const ASPECT_OPTIONS = [
  option('speed', 'Speed of service'),
  option('staff', 'Friendly staff'),
  option('quality', 'Quality'),
  option('price', 'Price'),
  option('location', 'Location'),
];

export function surveyFlowJson(): FlowJson {
  return flow({
    version: '7.3',
    dataApiVersion: '3.0',
    routingModel: { RATINGS: ['CHOICES'], CHOICES: ['COMMENTS'], COMMENTS: ['THANKS'], THANKS: [] },
    screens: [
      screen('RATINGS', {
        title: 'Your feedback',
        data: { business: field.string('Flowgate Café') },
        children: [
          textHeading('How did we do?'),
          textBody(ref.data('business')),
          radioButtonsGroup({ name: 'rating', label: 'Overall experience', required: true, dataSource: RATING_OPTIONS }),
          radioButtonsGroup({ name: 'recommend', label: 'Would you recommend us?', required: true, dataSource: RECOMMEND_OPTIONS }),
          footer('Continue', dataExchange({ rating: ref.form('rating'), recommend: ref.form('recommend') })),
        ],
      }),
      screen('CHOICES', {
        title: 'What stood out',
        data: { revision: field.string('Jx2bD4') },
        children: [
          checkboxGroup({
            name: 'liked',
            label: 'What did you like?',
            required: true,
            minSelectedItems: 1,
            maxSelectedItems: 3,
            dataSource: ASPECT_OPTIONS,
          }),
          checkboxGroup({ name: 'improve', label: 'What should we improve?', required: false, dataSource: ASPECT_OPTIONS }),
          footer(
            'Continue',
            dataExchange({ liked: ref.form('liked'), improve: ref.form('improve'), revision: ref.data('revision') }),
          ),
        ],
      }),
      screen('COMMENTS', {
        title: 'Anything else?',
        data: { revision: field.string('Jx2bD4') },
        children: [
          textArea({ name: 'comments', label: 'Comments', required: false, maxLength: 1000 }),
          optIn({ name: 'contact_ok', label: 'You may contact me about my feedback', required: false }),
          footer(
            'Review',
            dataExchange({
              comments: ref.form('comments'),
              contact_ok: ref.form('contact_ok'),
              revision: ref.data('revision'),
            }),
          ),
        ],
      }),
      screen('THANKS', {
        title: 'Thank you',
        terminal: true,
        data: {
          rating_label: field.string('★★★★ Good'),
          liked_label: field.string('Quality, Price'),
          revision: field.string('Jx2bD4.x'),
        },
        children: [
          textHeading('Thanks for your feedback!'),
          textSubheading(ref.data('rating_label')),
          textBody(ref.data('liked_label')),
          footer('Send feedback', dataExchange({ confirm: true, revision: ref.data('revision') })),
        ],
      }),
    ],
  });
}
