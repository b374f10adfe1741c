// MathJax 2.7, configured before it loads. Startup waits until mathjax-loader.js has installed
// the loader that serves MathJax's components from the page itself (delayStartupUntil).
window.MathJax = {
  root: "mathjax",
  delayStartupUntil: "configured",
  config: ["TeX-AMS-MML_HTMLorMML-full.js"],
  tex2jax: {
    inlineMath: [["$", "$"], ["\\(", "\\)"]],
    displayMath: [["$$", "$$"], ["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true
  },
  TeX: {equationNumbers: {autoNumber: "AMS", useLabelIds: true}},
  displayAlign: "center",
  messageStyle: "none",
  showMathMenu: false,
  showProcessingMessages: false,
  // One typesetting pass, in big chunks without pauses: the preview pass and the chunk delays
  // help a reader scrolling a live page, and only slow down printing.
  "fast-preview": {disabled: true},
  processSectionDelay: 0,
  "HTML-CSS": {
    availableFonts: [],
    imageFont: null,
    preferredFont: null,
    webFont: "STIX-Web",
    linebreaks: {automatic: true},
    EqnChunk: 1000,
    EqnChunkFactor: 1,
    EqnChunkDelay: 0
  }
};
