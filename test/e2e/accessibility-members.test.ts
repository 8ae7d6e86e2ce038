// Every page members, banned members, moderators and administrators can reach, in the same three
// views as accessibility-visitors.test.ts (see there, and test/helpers/a11y-pages.ts for why each
// view runs the rules it runs): no serious or critical violation, every control labelled, no id
// used twice, nothing wider than the screen.
import { checkEveryPage } from '../helpers/a11y-pages.js';

checkEveryPage(['member', 'banned member', 'moderator', 'admin']);
