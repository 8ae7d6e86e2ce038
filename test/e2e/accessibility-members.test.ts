// Every page members, banned members, moderators and administrators can reach, in the same three
// views as accessibility-visitors.test.ts (light on a desktop and at 360 px with every axe-core
// rule, dark with the colour rules): no serious or critical violation, every control labelled, no
// id used twice, nothing wider than the screen.
import { checkEveryPage } from '../helpers/a11y-pages.js';

checkEveryPage(['member', 'banned member', 'moderator', 'admin']);
