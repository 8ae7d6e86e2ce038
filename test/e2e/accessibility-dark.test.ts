// The same pages as accessibility-light.test.ts in the dark colour scheme. The pages' markup and
// layout do not change with the scheme (only colour variables do, and the light run checks every
// rule on them at both widths), so axe-core runs its rules that read colours here: text contrast
// and links told apart from the text around them. A narrow screen changes only spacing and grid
// columns (no element is shown, hidden or recoloured by width), so the colours are checked at
// desktop width. Labels, ids and sideways scroll are checked again, and the palette shown must be
// the dark one.
import { checkEveryPage } from '../helpers/a11y-pages.js';

const COLOUR_RULES = ['color-contrast', 'link-in-text-block'] as const;

checkEveryPage([
  { name: 'dark', colorScheme: 'dark', viewport: { width: 1280, height: 900 }, rules: COLOUR_RULES },
]);
