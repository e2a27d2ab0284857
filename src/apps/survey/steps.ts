// Survey logic: each screen's answers are checked against the offered options and kept as a draft;
// THANKS stores the whole response as one record.
import { done, fail, next, type Steps } from '../common/steps.js';
import type { AppStorage } from '../common/storage.js';
import { flag, list, optionalText, text } from '../common/values.js';
import { ASPECT_OPTIONS, RATING_OPTIONS, RECOMMEND_OPTIONS } from './flow-json.js';

export const SURVEY_APP = 'survey';

export interface SurveyResponse {
  rating: number;
  recommend: string;
  liked: string[];
  improve: string[];
  comments: string | null;
  contact_ok: boolean;
}

const ids = (options: readonly { id: string }[]): Set<string> => new Set(options.map((o) => o.id));
const RATINGS = ids(RATING_OPTIONS);
const RECOMMEND = ids(RECOMMEND_OPTIONS);
const ASPECTS = ids(ASPECT_OPTIONS);

export function surveySteps(settings: { business: string }, storage: () => AppStorage): Steps {
  return {
    init: () => Promise.resolve(next('RATINGS', { business: settings.business })),
    screens: {
      async RATINGS(input) {
        const rating = text(input.data, 'rating');
        const recommend = text(input.data, 'recommend');
        if (!RATINGS.has(rating)) return fail('Please rate your overall experience.');
        if (!RECOMMEND.has(recommend)) return fail('Please tell us if you would recommend us.');
        await storage().saveDraft(SURVEY_APP, input.flowToken, input.waId, { rating: Number(rating), recommend }, input.now);
        return next('CHOICES');
      },
      async CHOICES(input) {
        const liked = list(input.data, 'liked');
        const improve = list(input.data, 'improve');
        if (liked.length < 1 || liked.length > 3) return fail('Pick one to three things you liked.');
        if (![...liked, ...improve].every((id) => ASPECTS.has(id))) return fail('Please pick from the list.');
        await storage().saveDraft(SURVEY_APP, input.flowToken, input.waId, { liked, improve }, input.now);
        return next('COMMENTS');
      },
      async COMMENTS(input) {
        const comments = optionalText(input.data, 'comments');
        if (comments !== null && comments.length > 1000) return fail('Please keep comments under 1000 characters.');
        // The summary shows the earlier answers: without them it would thank for a rating never given.
        const before = await storage().draft(SURVEY_APP, input.flowToken);
        if (typeof before.rating !== 'number' || !Array.isArray(before.liked))
          return fail('Please go back and answer the questions.');
        const draft = await storage().saveDraft(
          SURVEY_APP,
          input.flowToken,
          input.waId,
          { comments, contact_ok: flag(input.data, 'contact_ok') },
          input.now,
        );
        const rating = RATING_OPTIONS.find((o) => o.id === String(draft.rating));
        const liked = Array.isArray(draft.liked) ? draft.liked : [];
        const likedTitles = ASPECT_OPTIONS.filter((o) => liked.includes(o.id)).map((o) => o.title);
        return next('THANKS', {
          rating_label: rating?.title ?? '',
          liked_label: likedTitles.length > 0 ? `You liked: ${likedTitles.join(', ')}` : 'Thank you',
        });
      },
      async THANKS(input) {
        const draft = await storage().draft(SURVEY_APP, input.flowToken);
        if (typeof draft.rating !== 'number' || !Array.isArray(draft.liked)) return fail('Please go back and answer the questions.');
        const response: SurveyResponse = {
          rating: draft.rating,
          recommend: typeof draft.recommend === 'string' ? draft.recommend : '',
          liked: draft.liked.filter((x): x is string => typeof x === 'string'),
          improve: Array.isArray(draft.improve) ? draft.improve.filter((x): x is string => typeof x === 'string') : [],
          comments: typeof draft.comments === 'string' ? draft.comments : null,
          contact_ok: draft.contact_ok === true,
        };
        const record = await storage().submit(SURVEY_APP, input.flowToken, input.waId, { ...response }, 'submitted', input.now);
        return done({ response_id: String(record.id), rating: response.rating });
      },
    },
    async completed(flowToken, now) {
      await storage().markCompleted(SURVEY_APP, flowToken, now);
    },
  };
}
