// Notebook pages: code and output blocks that scroll sideways get keyboard focus, so that
// they can be scrolled without a mouse (WCAG 2.1.1), as Material does for its own code blocks.
document$.subscribe(function () {
  for (const block of document.querySelectorAll(".jupyter-wrapper div, .jupyter-wrapper pre")) {
    const overflow = getComputedStyle(block).overflowX;
    if ((overflow === "auto" || overflow === "scroll") && block.scrollWidth > block.clientWidth) {
      block.tabIndex = 0;
    }
  }
});
