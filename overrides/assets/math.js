// Typeset the math that pymdownx.arithmatex marked, with the KaTeX files this site serves
// itself (assets/katex/), fetched only by pages that have math. arithmatex (generic mode)
// leaves \( ... \) in inline spans and \[ ... \] in display blocks.
(function () {
  const katexBase = new URL("katex/", document.currentScript.src);
  let katexReady = null;

  function loadKatex() {
    if (!katexReady) {
      const style = document.createElement("link");
      style.rel = "stylesheet";
      style.href = new URL("katex.min.css", katexBase);
      document.head.appendChild(style);
      katexReady = new Promise(function (resolve, reject) {
        const script = document.createElement("script");
        script.src = new URL("katex.min.js", katexBase);
        script.onload = resolve;
        script.onerror = function () { reject(new Error("could not load " + script.src)); };
        document.head.appendChild(script);
      });
    }
    return katexReady;
  }

  function typeset(elements) {
    for (const element of elements) {
      const tex = element.textContent.trim().slice(2, -2);
      try {
        katex.render(tex, element, { displayMode: element.tagName === "DIV" });
      } catch (error) {
        console.error("KaTeX could not typeset: " + tex + "\n" + error);
      }
      // A formula wider than the column scrolls sideways (site.css): keyboard users can scroll
      // it once it takes focus (WCAG 2.1.1), as Material's code blocks do.
      if (element.tagName === "DIV" && element.scrollWidth > element.clientWidth) {
        element.tabIndex = 0;
      }
    }
    document.body.dataset.mathReady = "true";
  }

  function typesetPage() {
    const elements = document.querySelectorAll(".arithmatex");
    if (elements.length === 0) {
      document.body.dataset.mathReady = "true";
      return;
    }
    loadKatex().then(function () { typeset(elements); });
  }

  // Material announces each page on document$; the PDF's print page has no Material script.
  if (window.document$) {
    document$.subscribe(typesetPage);
  } else {
    document.addEventListener("DOMContentLoaded", typesetPage);
  }
})();
