// Boxes that scroll sideways get keyboard focus, so that they can be scrolled without a mouse
// (WCAG 2.1.1), as Material does for its own code blocks: wide tables (Material wraps them in
// .md-typeset__scrollwrap), wide formulas (site.css) and the notebook pages' code and output blocks.
document$.subscribe(function () {
  const boxes = document.querySelectorAll(
    ".md-typeset__scrollwrap, .md-typeset div.arithmatex, .jupyter-wrapper div, .jupyter-wrapper pre");
  for (const box of boxes) {
    const overflow = getComputedStyle(box).overflowX;
    if ((overflow === "auto" || overflow === "scroll") && box.scrollWidth > box.clientWidth) {
      box.tabIndex = 0;
    }
  }
});
