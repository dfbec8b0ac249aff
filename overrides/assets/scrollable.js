// Boxes that scroll sideways get keyboard focus, so that they can be scrolled without a mouse
// (WCAG 2.1.1): wide tables (Material wraps them in .md-typeset__scrollwrap), wide formulas
// (site.css), code blocks and the notebook pages' code and output blocks. Material does this for
// its code blocks only when each comes into view (content.lazy, mkdocs.yml); a reader who tabs
// through the page needs every one at once. Every box is measured before any is changed: a change
// between two measurements would make the browser lay the whole page out again for the next one.
// Boxes in a folded answer are measured when it opens: Chromium does not lay out a closed
// <details>, and measuring a box inside one lays its fold out, once per box (mle-em/exercises/, CPU
// slowed four times: the page's script time 528-709 ms with them measured at load, 223-266 without).
const SCROLLING = ".md-typeset__scrollwrap, .md-typeset div.arithmatex, .md-typeset pre > code, " +
  ".jupyter-wrapper div, .jupyter-wrapper pre";

function focusScrolling(container) {
  const shown = Array.from(container.querySelectorAll(SCROLLING)).filter(function (box) {
    return box.closest("details:not([open])") === null;
  });
  const scrolling = shown.filter(function (box) {
    const overflow = getComputedStyle(box).overflowX;
    return (overflow === "auto" || overflow === "scroll") && box.scrollWidth > box.clientWidth;
  });
  for (const box of scrolling) {
    box.tabIndex = 0;
  }
}

document$.subscribe(function () {
  focusScrolling(document);
});
// A fold's toggle event does not bubble; the document hears it while capturing, before the fold.
document.addEventListener("toggle", function (event) {
  if (event.target.matches(".md-typeset details[open]")) focusScrolling(event.target);
}, true);
