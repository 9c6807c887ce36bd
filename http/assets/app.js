// Progressive enhancement only: every page works without this file.
// The narrative editor gets a live Markdown preview, rendered and sanitized
// by the server (POST /preview), as the person types.
(function () {
  "use strict";
  var form = document.querySelector("form.editor");
  if (!form || !window.fetch) { return; }
  var token = form.querySelector("input[name=csrf_token]").value;
  var timers = new Map();
  function preview(area) {
    var target = document.getElementById(area.dataset.preview);
    if (!target) { return; }
    var body = new URLSearchParams();
    body.set("csrf_token", token);
    body.set("text", area.value);
    fetch("/preview", { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { target.innerHTML = html; })
      .catch(function () { /* the Preview button still works */ });
  }
  form.querySelectorAll("textarea[data-preview]").forEach(function (area) {
    area.addEventListener("input", function () {
      clearTimeout(timers.get(area));
      timers.set(area, setTimeout(function () { preview(area); }, 400));
    });
  });
})();
