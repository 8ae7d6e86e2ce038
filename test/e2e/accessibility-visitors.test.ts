// Every page an anonymous visitor can reach, in the light colour scheme on a desktop (every
// axe-core rule) and on a 360 px wide phone (the rules that read layout), and in the dark scheme
// (the colour rules): no serious or critical violation, every control labelled, no id used twice,
// nothing wider than the screen, and the same elements shown at both widths.
// The signed-in roles' pages are accessibility-members.test.ts (two files, so both test workers share the run).
import { checkEveryPage } from '../helpers/a11y-pages.js';

checkEveryPage(['anonymous']);
