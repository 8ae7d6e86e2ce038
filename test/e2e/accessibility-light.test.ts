// Every page as anonymous visitors, members, banned members, moderators and administrators see
// it, in the light colour scheme on a desktop and on a 360 px wide phone: axe-core's every rule
// finds no serious or critical violation, every control has a label, no id is used twice, and
// nothing is wider than the screen. The dark scheme's run is accessibility-dark.test.ts.
import { checkEveryPage } from '../helpers/a11y-pages.js';

checkEveryPage([
  { name: 'light', colorScheme: 'light', viewport: { width: 1280, height: 900 } },
  { name: 'light at 360 px', colorScheme: 'light', viewport: { width: 360, height: 740 } },
]);
