// Boxes that scroll sideways get keyboard focus, so that they can be scrolled without a mouse
// (WCAG 2.1.1), as Material does for its own code blocks: wide tables (Material wraps them in
// .md-typeset__scrollwrap) and the notebook pages' code and output blocks. Wide formulas get it
// in math.js, once KaTeX has drawn them.
document$.subscribe(function () {
  const boxes = document.querySelectorAll(".md-typeset__scrollwrap, .jupyter-wrapper div, .jupyter-wrapper pre");
  for (const box of boxes) {
    const overflow = getComputedStyle(box).overflowX;
    if ((overflow === "auto" || overflow === "scroll") && box.scrollWidth > box.clientWidth) {
      box.tabIndex = 0;
    }
  }
});
