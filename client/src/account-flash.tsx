import { render, type ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { usePath } from './router.js';

// A one-off message that outlives the page that set it (after deleting an account the app goes to
// the start page, which knows nothing about it). It has a render root of its own just before #app,
// so no other page needs to know about it; it goes away on the next navigation or when dismissed.

interface FlashMessage { text: ComponentChildren; path: string; seq: number }

let show: ((m: FlashMessage | null) => void) | null = null;
let pending: FlashMessage | null = null;
let seq = 0;

function Flash() {
  const [msg, setMsg] = useState<FlashMessage | null>(pending);
  const path = usePath();
  const box = useRef<HTMLDivElement>(null);
  const focused = useRef(0);
  useEffect(() => {
    show = setMsg;
    if (pending) setMsg(pending);
    pending = null;
    return () => void (show = null);
  }, []);
  useEffect(() => {
    if (msg && msg.path !== path && focused.current === msg.seq) setMsg(null); // navigated away after seeing it
  }, [path]);
  const visible = msg && msg.path === path ? msg : null;
  useEffect(() => {
    // The control the user acted on is gone: take keyboard focus to the outcome, once.
    if (!visible || focused.current === visible.seq) return;
    focused.current = visible.seq;
    box.current?.focus();
  }, [visible?.seq]);
  // The live region stays in the page (empty) so that filling it is announced.
  return (
    <div class={visible ? 'flash' : 'flash empty'} role="status" aria-live="polite" data-testid="flash" tabIndex={visible ? -1 : undefined} ref={box}>
      {visible && (
        <>
          <p>{visible.text}</p>
          <button type="button" class="link-button" onClick={() => setMsg(null)}>Dismiss</button>
        </>
      )}
    </div>
  );
}

/** Mounts the message area once (call early, e.g. when a page that may use it renders). */
export function ensureFlash(): void {
  if (document.getElementById('account-flash')) return;
  const host = document.createElement('div');
  host.id = 'account-flash';
  const app = document.getElementById('app');
  document.body.insertBefore(host, app ?? document.body.firstChild);
  render(<Flash />, host);
}

/** Shows `text` on the page at `path` (the one about to be navigated to). */
export function flash(text: ComponentChildren, path: string): void {
  ensureFlash();
  const m = { text, path, seq: ++seq };
  if (show) show(m);
  else pending = m;
}
