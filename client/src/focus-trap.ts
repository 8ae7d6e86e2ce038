// A modal <dialog> makes the page behind it inert, but Tab from its last control still leaves it
// (for the browser's own toolbar), and a keyboard user then has to find the way back. Tab and
// Shift+Tab go round the dialog's own controls instead. Closing the dialog hands focus back to
// whatever had it before, which the browser does for a dialog opened with showModal().

const FOCUSABLE = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';

type Focusable = HTMLElement & { disabled?: boolean };

function controls(dialog: HTMLElement): Focusable[] {
  return Array.from(dialog.querySelectorAll<Focusable>(FOCUSABLE))
    .filter((el) => !el.disabled && el.getClientRects().length > 0 && !el.closest('[inert]'));
}

/** keydown handler for a modal dialog: keeps Tab and Shift+Tab among the dialog's controls. */
export function keepFocusInDialog(e: KeyboardEvent): void {
  if (e.key !== 'Tab' || e.altKey || e.ctrlKey || e.metaKey) return;
  const dialog = e.currentTarget as HTMLElement;
  const items = controls(dialog);
  const first = items[0];
  const last = items[items.length - 1];
  if (!first || !last) {
    e.preventDefault(); // nothing to go to: stay put rather than leave
    return;
  }
  const active = document.activeElement;
  const inside = !!active && dialog.contains(active);
  if (e.shiftKey && (!inside || active === first)) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (!inside || active === last)) {
    e.preventDefault();
    first.focus();
  }
}
