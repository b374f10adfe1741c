// MathJax 2 loads its components from script files. This loader serves them from the table
// the page carries (window.HANDOUT_MATHJAX, written by index.html.j2) and points the web fonts
// at data: URLs; when the first typeset is done it marks <body data-mathjax="done"> for the
// PDF printer (and the tests) to wait on.
(function () {
  var SOURCES = window.HANDOUT_MATHJAX.sources, WOFF = window.HANDOUT_MATHJAX.fonts;
  var AJAX = MathJax.Ajax, fetchJS = AJAX.loader.JS;
  AJAX.loader.JS = function (file, callback) {
    var key = file.replace(/\?.*$/, "");
    if (!SOURCES.hasOwnProperty(key)) { return fetchJS.call(this, file, callback); }
    var script = document.createElement("script");
    this.loading[file] = {callback: callback, status: this.STATUS.OK, script: script,
                          message: MathJax.Message.File(this.fileName(file))};
    script.text = SOURCES[key];
    this.head.appendChild(script);
  };
  MathJax.Hub.Register.StartupHook("HTML-CSS Jax Startup", function () {
    var font = MathJax.OutputJax["HTML-CSS"].Font, fontFace = font.fontFace;
    font.fontFace = function () {
      var def = fontFace.apply(this, arguments);
      var name = /([A-Za-z0-9_-]+\.woff)/.exec(def.src || "");
      if (name && WOFF[name[1]]) {
        def.src = "url(data:font/woff;base64," + WOFF[name[1]] + ") format('woff')";
      }
      return def;
    };
  });
  MathJax.Hub.Register.StartupHook("End", function () {
    document.body.setAttribute("data-mathjax", "done");
  });
  MathJax.Hub.Configured();
})();
