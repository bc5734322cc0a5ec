/**
 * @module On every reporter page: Buzón keeps a single entry in the phone's history, and the quick
 * exit replaces it with a neutral site, so the back button never returns here.
 *
 * - Quick exit (the button, or Escape twice) empties the page and replaces it.
 * - Links within Buzón replace the current entry instead of adding one (language, help, back to
 *   the form), so there is no earlier Buzón page for the back button to find.
 * - A link marked data-confirm asks first when something was typed on the page, since the
 *   other page cannot bring it along (nothing is ever stored in the browser).
 */

const exitLink = document.getElementById('quick-exit') as HTMLAnchorElement | null;

function quickExit(e?: Event) {
  e?.preventDefault();
  if (!exitLink) return;
  document.body.replaceChildren();
  window.location.replace(exitLink.href);
}

if (exitLink) {
  let typed = false;
  document.addEventListener('input', (e) => {
    if ((e.target as Element | null)?.closest('input, textarea, select')) typed = true;
  });

  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const link = (e.target as Element | null)?.closest('a');
    if (!link || !link.hasAttribute('href') || link.hasAttribute('download') || (link.target && link.target !== '_self')) return;
    if (link === exitLink) return quickExit(e);
    const url = new URL(link.href, window.location.href);
    if (url.origin !== window.location.origin || (url.pathname === window.location.pathname && url.search === window.location.search && url.hash)) return;
    e.preventDefault();
    if (link.dataset.confirm && typed && !window.confirm(link.dataset.confirm)) return;
    window.location.replace(url.href);
  });

  let lastEscape = 0;
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    const now = performance.now();
    if (now - lastEscape < 600) quickExit();
    lastEscape = now;
  });
}
