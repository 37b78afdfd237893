/* "Share" (issue 16.4): the phone's own share sheet (Web Share API: Zalo, Messenger… when installed), else the
   article's address copied to the clipboard. Nothing is loaded from Facebook or Zalo; without JavaScript the
   plain share links beside the button work. */
(function () {
  "use strict";
  function say(status, text) { if (status) { status.textContent = text; } }
  function copy(url, status, button) {
    var done = function () { say(status, button.dataset.copied || "Link copied"); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(done, function () { fallback(url, status, button); });
    } else {
      fallback(url, status, button);
    }
  }
  function fallback(url, status, button) {
    var field = document.createElement("input");
    field.value = url;
    field.readOnly = true;
    field.setAttribute("aria-label", button.dataset.copyLabel || "Address");
    button.parentNode.insertBefore(field, status);
    field.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    say(status, ok ? (button.dataset.copied || "Link copied") : (button.dataset.copyManual || "Copy this address"));
  }
  document.querySelectorAll("[data-share]").forEach(function (button) {
    var status = button.parentNode.querySelector("[data-share-status]");
    button.hidden = false;
    button.addEventListener("click", function () {
      var url = button.dataset.url, title = button.dataset.title;
      if (navigator.share) {
        navigator.share({ title: title, url: url }).catch(function (err) {
          if (!err || err.name !== "AbortError") { copy(url, status, button); }
        });
      } else {
        copy(url, status, button);
      }
    });
  });
})();
