/* Progressive enhancement of the interaction forms (issue 15). Every form works without this file. */
(function () {
  "use strict";

  // Ratings: sent in the background, thanked in place.
  document.querySelectorAll("form.rating-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.fetch) { return; }
      event.preventDefault();
      var message = form.querySelector(".rating-message");
      fetch(form.action, { method: "POST", body: new URLSearchParams(new FormData(form)),
                           headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
        .then(function (res) {
          if (res.ok) {
            message.textContent = res.data.message || "Cảm ơn bạn đã đánh giá.";
            form.querySelectorAll("input, textarea, button").forEach(function (el) { el.disabled = true; });
          } else {
            var errors = res.data.errors || {};
            message.textContent = res.data.error || Object.keys(errors).map(function (k) { return errors[k]; }).join(" ");
          }
        })
        .catch(function () { form.submit(); });
    });
  });

  // The question form: similar questions already answered, as the question is written.
  document.querySelectorAll("form[data-similar]").forEach(function (form) {
    var box = form.querySelector(".similar-questions");
    var list = box && box.querySelector("ul");
    var subject = form.querySelector("[name=subject]");
    var body = form.querySelector("[name=body]");
    var timer = null;
    var last = "";
    function search() {
      var text = ((subject && subject.value) || "") + " " + ((body && body.value) || "");
      text = text.trim().slice(0, 500);
      if (text.length < 8 || text === last) { return; }
      last = text;
      fetch(form.getAttribute("data-similar") + "?q=" + encodeURIComponent(text), { headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) {
          list.textContent = "";
          (data.results || []).forEach(function (hit) {
            var li = document.createElement("li");
            var a = document.createElement("a");
            a.href = hit.url;
            a.textContent = hit.title;
            li.appendChild(a);
            list.appendChild(li);
          });
          box.hidden = !list.children.length;
        })
        .catch(function () { box.hidden = true; });
    }
    [subject, body].forEach(function (field) {
      if (!field) { return; }
      field.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 600); });
    });
  });

  // The status page: /hoi-dap/tra-cuu/?ma=CODE shows the status in place.
  document.querySelectorAll("form[data-status]").forEach(function (form) {
    var result = document.querySelector(".status-result");
    var error = document.querySelector(".status-error");
    var input = form.querySelector("[name=ma]");
    function show(code) {
      fetch(form.getAttribute("data-status") + "?ma=" + encodeURIComponent(code), { headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
        .then(function (res) {
          if (!res.ok) {
            result.hidden = true;
            error.textContent = res.data.error || "Không tra cứu được.";
            error.hidden = false;
            return;
          }
          error.hidden = true;
          result.querySelectorAll("[data-field]").forEach(function (el) {
            var key = el.getAttribute("data-field");
            if (key === "link") {
              el.hidden = !res.data.url;
              if (res.data.url) { el.querySelector("a").href = res.data.url; }
            } else {
              el.textContent = res.data[key] || "—";
            }
          });
          result.setAttribute("data-state", res.data.state);
          result.hidden = false;
        });
    }
    var code = new URLSearchParams(window.location.search).get("ma");
    if (code) { input.value = code; show(code); }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (input.value.trim()) {
        history.replaceState(null, "", "?ma=" + encodeURIComponent(input.value.trim()));
        show(input.value.trim());
      }
    });
  });
})();
