// The offline edition's stand-in for Web Workers, which Chromium and Firefox refuse to start
// from file:// pages. Material's search runs in a worker; here its script runs in a hidden
// iframe instead, talking to the page with postMessage as a worker would. The offline build
// loads this file where Material's offline plugin would load iframe-worker from a CDN
// (scripts/mkdocs_hook.py); Material's search worker looks for the name IFrameWorker.
(function () {
  if (location.protocol !== "file:") {
    return;
  }

  // Runs inside the iframe: the two functions a worker script calls on its global scope.
  const runtime =
    "postMessage = function (data) { parent.postMessage(data, '*'); };" +
    "importScripts = function () {" +
    "  return Array.prototype.reduce.call(arguments, function (done, url) {" +
    "    return done.then(function () {" +
    "      return new Promise(function (resolve) {" +
    "        const script = document.createElement('script');" +
    "        script.src = url;" +
    "        script.onload = resolve;" +
    "        document.body.appendChild(script);" +
    "      });" +
    "    });" +
    "  }, Promise.resolve());" +
    "};";

  class IFrameWorker extends EventTarget {
    constructor(url) {
      super();
      this.onmessage = null;
      this.iframe = document.createElement("iframe");
      this.iframe.hidden = true;
      document.body.appendChild(this.iframe);
      // The iframe calls this once the worker script has run and listens for messages.
      this.loaded = new Promise((resolve) => { this.iframe.onWorkerReady = resolve; });
      const inner = this.iframe.contentWindow;
      window.addEventListener("message", (event) => {
        if (event.source === inner) {
          const message = new MessageEvent("message", { data: event.data });
          this.dispatchEvent(message);
          if (this.onmessage) {
            this.onmessage(message);
          }
        }
      });
      inner.document.open();
      inner.document.write("<!doctype html><body><script>" + runtime + "</script>" +
                           '<script src="' + new URL(url, location.href) + '"></script>' +
                           "<script>frameElement.onWorkerReady();</script></body>");
      inner.document.close();
    }

    postMessage(data) {
      this.loaded.then(() => {
        this.iframe.contentWindow.dispatchEvent(new MessageEvent("message", { data: data }));
      });
    }

    terminate() {
      this.iframe.remove();
    }
  }

  window.IFrameWorker = IFrameWorker;
  window.Worker = IFrameWorker;
})();
