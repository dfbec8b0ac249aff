// Boxes that scroll sideways get keyboard focus, so that they can be scrolled without a mouse
// (WCAG 2.1.1), as Material does for its own code blocks: wide tables (Material wraps them in
// .md-typeset__scrollwrap), wide formulas (site.css) and the notebook pages' code and output blocks.
// A box is measured whenever it is laid out: site.css lays out a block only when the reader
// scrolls near it.
document$.subscribe(function () {
  const observer = new ResizeObserver(function (entries) {
    for (const { target: box } of entries) {
      const overflow = getComputedStyle(box).overflowX;
      if ((overflow === "auto" || overflow === "scroll") && box.scrollWidth > box.clientWidth) {
        box.tabIndex = 0;
      }
    }
  });
  const boxes = document.querySelectorAll(
    ".md-typeset__scrollwrap, .md-typeset div.arithmatex, .jupyter-wrapper div, .jupyter-wrapper pre");
  for (const box of boxes) {
    observer.observe(box);
  }
});
