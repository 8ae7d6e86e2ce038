// The same pages as accessibility-light.test.ts in the dark colour scheme, on a desktop and at
// 360 px. The pages' markup and layout do not change with the scheme (only colours do, and the
// light run checks every rule on them), so axe-core runs its rules that read colours here: text
// contrast and links told apart from the text around them. Labels, ids and sideways scroll are
// checked again, and the palette shown must be the dark one.
import { checkEveryPage } from '../helpers/a11y-pages.js';

const COLOUR_RULES = ['color-contrast', 'link-in-text-block'] as const;

checkEveryPage([
  { name: 'dark', colorScheme: 'dark', viewport: { width: 1280, height: 900 }, rules: COLOUR_RULES },
  { name: 'dark at 360 px', colorScheme: 'dark', viewport: { width: 360, height: 740 }, rules: COLOUR_RULES },
]);
