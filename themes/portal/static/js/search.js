/* The search page: results as you type, from this site's Pagefind bundles (same origin).
 *
 * Without JavaScript the page explains what to do (the header's form still opens it).
 * Vietnamese as people type it: the index holds "đ" as "ḑ" (U+1E11), which Pagefind folds
 * to "d" (see scripts/portal/search_index.py); the query maps đ → ḑ and keeps its tones,
 * so "duong" finds "đường" and "đường" ranks "đường" first. restore() shows "đ" again.
 */
(function () {
  "use strict";
  var root = document.querySelector("[data-search]");
  if (!root) return;
  var config = JSON.parse(document.getElementById("search-config").textContent);
  var S = config.strings;
  var lang = S.lang || document.documentElement.lang || "vi";
  var form = root.querySelector("form");
  var input = document.getElementById("search-q");
  var body = root.querySelector("[data-search-body]");
  var statusEl = root.querySelector("[data-search-status]");
  var list = root.querySelector("[data-search-results]");
  var more = root.querySelector("[data-search-more]");
  var filtersEl = root.querySelector("[data-search-filters]");
  var sortEl = document.getElementById("search-sort");
  var PAGE = 10;
  var FILTER_ORDER = ["site", "kind", "section", "year", "doc_type", "issuer"];
  var pagefind = null, loading = null, seq = 0, timer = null;
  var current = { source: null, shown: 0, terms: [] };
  var chosen = {};  // filter name -> [raw values]

  // --- text --------------------------------------------------------------------------
  function restore(text) {
    return String(text == null ? "" : text).replace(/\u1e11/g, "đ").replace(/\u1e10/g, "Đ");
  }
  /** The JS twin of portal.text.fold: drop tones and marks, đ → d (for finding words in text). */
  function fold(text) {
    return String(text).replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD").replace(/\p{M}/gu, "").normalize("NFC");
  }
  /** What Pagefind is asked: NFC, đ → ḑ as in the index; Pagefind folds marks and ranks exact forms first. */
  function pagefindQuery(q) {
    return q.normalize("NFC").replace(/đ/g, "\u1e11").replace(/Đ/g, "\u1e10").replace(/\s+/g, " ").trim();
  }
  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? values[k] : m; });
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text != null) node.textContent = text;
    return node;
  }
  var dateFormat = (function () {
    var opts = lang === "vi" ? { day: "2-digit", month: "2-digit", year: "numeric", timeZone: "UTC" }
      : { year: "numeric", month: lang === "en" ? "short" : "long", day: "numeric", timeZone: "UTC" };
    try { return new Intl.DateTimeFormat(lang, opts); } catch (e) { return null; }
  })();
  function formatDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    if (!m) return "";
    var d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    return dateFormat ? dateFormat.format(d) : m[0];
  }

  /** Append *text* to *parent*, marking (case- and tone-insensitively) every query term in it. */
  function highlight(parent, text, terms) {
    var chars = Array.from(text), folded = "", at = [];
    chars.forEach(function (ch, i) {
      var f = fold(ch).toLowerCase();
      for (var k = 0; k < f.length; k++) { folded += f[k]; at.push(i); }
    });
    var marks = [];
    terms.forEach(function (t) {
      var from = 0, pos;
      while (t && (pos = folded.indexOf(t, from)) >= 0) { marks.push([at[pos], at[pos + t.length - 1] + 1]); from = pos + t.length; }
    });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var last = 0;
    marks.forEach(function (m) {
      if (m[0] < last) return;
      parent.appendChild(document.createTextNode(chars.slice(last, m[0]).join("")));
      parent.appendChild(el("mark", null, chars.slice(m[0], m[1]).join("")));
      last = m[1];
    });
    parent.appendChild(document.createTextNode(chars.slice(last).join("")));
    return marks.length;
  }

  /** Pagefind's excerpt (plain text with <mark>), rebuilt as DOM nodes, never as HTML. */
  function excerptNode(data, terms) {
    var p = el("p", { "class": "excerpt" });
    var parts = restore(data.excerpt || "").split(/(<mark>|<\/mark>)/);
    var inMark = false, marked = 0;
    var decode = document.createElement("textarea");
    parts.forEach(function (part) {
      if (part === "<mark>") { inMark = true; return; }
      if (part === "</mark>") { inMark = false; return; }
      decode.innerHTML = part;  // textarea: entities decoded, no markup parsed
      var text = decode.value;
      if (!text) return;
      if (inMark) { p.appendChild(el("mark", null, text)); marked++; }
      else p.appendChild(document.createTextNode(text));
    });
    if (!marked && terms.length && data.content) {
      // Matched in a hidden field (a Korean word inside a compound): find it in the text.
      var content = restore(data.content), foldedContent = fold(content).toLowerCase();
      var pos = -1;
      terms.some(function (t) { pos = foldedContent.indexOf(t); return pos >= 0; });
      if (pos >= 0) {
        var start = Math.max(0, pos - 60), end = Math.min(content.length, pos + 140);
        p.textContent = "";
        highlight(p, (start > 0 ? "… " : "") + content.slice(start, end) + (end < content.length ? " …" : ""), terms);
      }
    }
    return p;
  }

  // --- Pagefind -----------------------------------------------------------------------
  // data-bundles lists the bundles searched together: a site's own and the shared directives'
  // (/pagefind-chi-dao/), or a shards.json that lists the network index's shards. The first is
  // loaded, the others merged into it (one WebAssembly download); each is tagged with a "part"
  // filter, so that results sorted by date can be merged part by part (see sortedSource).
  var OPTIONS = { excerptLength: 28, ranking: { diacriticSimilarity: 3 } };  // tones carry meaning
  var parts = 1;
  function bundleList() {
    var listed = (root.getAttribute("data-bundles") || "/pagefind/").split(/\s+/).filter(Boolean);
    return Promise.all(listed.map(function (b) {
      if (!/\.json$/.test(b)) return [b];
      var base = b.replace(/[^\/]*$/, "");
      return fetch(b).then(function (r) {
        if (!r.ok) throw new Error(b + ": " + r.status);
        return r.json();
      }).then(function (names) { return names.map(function (n) { return base + n; }); });
    })).then(function (lists) { return [].concat.apply([], lists); });
  }
  function load() {
    if (!loading) {
      loading = bundleList().then(function (bundles) {
        parts = bundles.length;
        return import(bundles[0] + "pagefind.js").then(function (pf) {
          return pf.options(OPTIONS).then(function () { return pf.init(); }).then(function () {
            if (parts < 2) return null;
            return pf.options({ mergeFilter: { part: "0" } }).then(function () {
              return Promise.all(bundles.slice(1).map(function (b, i) {
                return pf.mergeIndex(b, Object.assign({ mergeFilter: { part: String(i + 1) } }, OPTIONS));
              }));
            });
          }).then(function () {
            pagefind = pf;
            return pf;
          });
        });
      });
    }
    return loading;
  }

  /** Results in relevance order (Pagefind merges the bundles' results by score). */
  function rankedSource(results) {
    var at = 0;
    return {
      count: results.length,
      take: function (n) {
        var slice = results.slice(at, at + n);
        at += slice.length;
        return Promise.all(slice.map(function (r) { return r.data(); }));
      }
    };
  }
  /** Results by date over several bundles: each bundle's are in order, the heads are compared by date. */
  function sortedSource(lists, dir) {
    var pos = lists.map(function () { return 0; });
    function head(i) {
      var r = lists[i][pos[i]];
      if (!r) return Promise.resolve(null);
      if (!r.loaded) r.loaded = r.data();
      return r.loaded;
    }
    function next() {
      return Promise.all(lists.map(function (_, i) { return head(i); })).then(function (heads) {
        var best = -1;
        heads.forEach(function (d, i) {
          if (!d) return;
          var a = (d.meta && d.meta.date) || "", b = best < 0 ? null : (heads[best].meta && heads[best].meta.date) || "";
          if (best < 0 || (dir === "asc" ? a < b : a > b)) best = i;
        });
        if (best < 0) return null;
        pos[best]++;
        return heads[best];
      });
    }
    return {
      count: lists.reduce(function (n, l) { return n + l.length; }, 0),
      take: function (n) {
        var out = [];
        function step() {
          if (out.length >= n) return out;
          return next().then(function (d) { if (!d) return out; out.push(d); return step(); });
        }
        return Promise.resolve(step());
      }
    };
  }
  function sumFilters(all) {
    var out = {};
    all.forEach(function (f) {
      Object.keys(f || {}).forEach(function (name) {
        out[name] = out[name] || {};
        Object.keys(f[name]).forEach(function (v) { out[name][v] = (out[name][v] || 0) + f[name][v]; });
      });
    });
    return out;
  }
  /** One search over every bundle: {source, filters}. */
  function query(pf, q, filters) {
    if (!sortEl.value || parts < 2) {
      var opts = { filters: filters };
      if (sortEl.value) opts.sort = { date: sortEl.value };
      return pf.search(q || null, opts).then(function (res) {
        return res && { source: rankedSource(res.results), filters: res.filters };
      });
    }
    var searches = [];
    for (var i = 0; i < parts; i++) {
      searches.push(pf.search(q || null, { filters: Object.assign({}, filters, { part: String(i) }), sort: { date: sortEl.value } }));
    }
    return Promise.all(searches).then(function (all) {
      if (all.some(function (r) { return !r; })) return null;
      return {
        source: sortedSource(all.map(function (r) { return r.results; }), sortEl.value),
        filters: sumFilters(all.map(function (r) { return r.filters; }))
      };
    });
  }

  function localHref(url) {
    // Local preview (portal serve): a site's own URL becomes http://<id>.localhost:PORT/.
    var host = location.hostname;
    if (!(host === "localhost" || /\.localhost$/.test(host))) return url;
    for (var i = 0; i < config.sites.length; i++) {
      var base = config.sites[i];
      if (url === base || url.indexOf(base + "/") === 0) {
        return location.protocol + "//" + config.ids[i] + ".localhost" + (location.port ? ":" + location.port : "") + url.slice(base.length);
      }
    }
    return url;
  }

  // --- filters ------------------------------------------------------------------------
  function filterQuery() {
    var out = {};
    Object.keys(chosen).forEach(function (k) { if (chosen[k].length) out[k] = { any: chosen[k] }; });
    return out;
  }

  function buildFilters(all) {
    filtersEl.textContent = "";
    var names = Object.keys(all).filter(function (k) { return k !== "part" && Object.keys(all[k]).length > 0; });
    names.sort(function (a, b) {
      var ia = FILTER_ORDER.indexOf(a), ib = FILTER_ORDER.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
    });
    if (!names.length) return;
    var details = el("details", { "class": "filters" });
    if (Object.keys(filterQuery()).length) details.open = true;
    details.appendChild(el("summary", null, S.filters));
    names.forEach(function (name) {
      var fs = el("fieldset");
      fs.appendChild(el("legend", null, S[name] || name));
      var values = Object.keys(all[name]);
      values.sort(function (a, b) {
        if (name === "year") return b.localeCompare(a);
        return restore(a).localeCompare(restore(b), lang);
      });
      values.forEach(function (value, i) {
        var id = "f-" + name + "-" + i;
        var box = el("input", { type: "checkbox", id: id, value: value, "data-filter": name });
        box.checked = (chosen[name] || []).indexOf(value) >= 0;
        var label = el("label", { "for": id }, restore(value) + " ");
        label.appendChild(el("span", { "class": "count", "data-count": name + "\u0000" + value }, "(" + all[name][value] + ")"));
        var row = el("div", { "class": "filter-option" });
        row.appendChild(box);
        row.appendChild(label);
        fs.appendChild(row);
      });
      details.appendChild(fs);
    });
    var clear = el("button", { type: "button", "class": "filters-clear" }, S.clear);
    clear.addEventListener("click", function () {
      chosen = {};
      filtersEl.querySelectorAll("input[type=checkbox]").forEach(function (b) { b.checked = false; });
      run(true);
    });
    details.appendChild(clear);
    filtersEl.appendChild(details);
  }

  function updateCounts(counts) {
    if (!counts) return;
    filtersEl.querySelectorAll("[data-count]").forEach(function (span) {
      var key = span.getAttribute("data-count").split("\u0000");
      var n = counts[key[0]] && counts[key[0]][key[1]];
      span.textContent = "(" + (n || 0) + ")";
    });
  }

  filtersEl.addEventListener("change", function (e) {
    var box = e.target;
    if (!box.matches || !box.matches("input[data-filter]")) return;
    var name = box.getAttribute("data-filter");
    var values = (chosen[name] || []).filter(function (v) { return v !== box.value; });
    if (box.checked) values.push(box.value);
    chosen[name] = values;
    run(true);
  });

  // --- results ------------------------------------------------------------------------
  function renderResult(data, terms) {
    var li = el("li", { "class": "result" });
    var h = el("h2", { "class": "result-title" });
    var href = data.meta && data.meta.href ? localHref(data.meta.href) : data.url;
    var a = el("a", { href: href }, restore((data.meta && data.meta.title) || data.url));
    if (data.meta && data.meta.href) a.setAttribute("data-site-url", data.meta.href);  // its own site's address
    h.appendChild(a);
    li.appendChild(h);
    var meta = el("p", { "class": "meta" }), bits = [];
    if (data.meta && data.meta.date) bits.push(el("time", { datetime: data.meta.date }, formatDate(data.meta.date)));
    if (data.meta && data.meta.section) bits.push(document.createTextNode(restore(data.meta.section)));
    if (data.meta && data.meta.site) bits.push(el("span", { "class": "result-site" }, restore(data.meta.site)));
    bits.forEach(function (b, i) { if (i) meta.appendChild(document.createTextNode(" · ")); meta.appendChild(b); });
    if (bits.length) li.appendChild(meta);
    li.appendChild(excerptNode(data, terms));
    return li;
  }

  function showMore(focusFirst) {
    var mine = seq;
    return current.source.take(PAGE).then(function (datas) {
      if (mine !== seq) return;
      var first = null;
      datas.forEach(function (d) {
        var li = renderResult(d, current.terms);
        first = first || li.querySelector("a");
        list.appendChild(li);
      });
      current.shown += datas.length;
      more.hidden = current.shown >= current.source.count;
      done();
      if (focusFirst && first) first.focus();
    });
  }

  function announce(text) { statusEl.textContent = text; }
  /** The page says when it shows the results of what was typed (for tests and assistive tools). */
  function done() {
    root.setAttribute("data-state", "done");
    root.setAttribute("data-query", input.value);
  }

  function syncUrl(q) {
    var params = new URLSearchParams();
    if (q) params.set("q", q);
    Object.keys(chosen).forEach(function (k) { chosen[k].forEach(function (v) { params.append(k, restore(v)); }); });
    if (sortEl.value) params.set("sort", sortEl.value);
    var qs = params.toString();
    history.replaceState(null, "", location.pathname + (qs ? "?" + qs : ""));
  }

  function run(now) {
    clearTimeout(timer);
    // While typing, a last word of one Latin letter ("d", "dau t") would load the index of
    // every word it begins: wait for the next letter (Enter or a filter searches at once).
    if (!now && /(^|\s)[a-z0-9]$/i.test(fold(input.value.trim()))) return;
    timer = setTimeout(search, now ? 0 : 180);
  }

  function search() {
    var mine = ++seq;
    var raw = input.value;
    var q = pagefindQuery(raw);
    var filters = filterQuery();
    var hasFilters = Object.keys(filters).length > 0;
    syncUrl(raw.trim());
    root.setAttribute("data-state", "busy");
    if (!q && !hasFilters) {
      list.textContent = "";
      more.hidden = true;
      announce(S.empty);
      done();
      return;
    }
    announce(S.searching);
    load().then(function (pf) {
      return query(pf, q, filters);
    }).then(function (res) {
      if (mine !== seq || !res) return;
      current = { source: res.source, shown: 0, terms: q ? fold(q).toLowerCase().split(" ").filter(Boolean) : [] };
      list.textContent = "";
      updateCounts(res.filters);
      var n = res.source.count, text;
      if (!q) text = fmt(n === 1 ? S.filtered_one : S.filtered_many, { count: n });
      else if (!n) text = fmt(S.none, { query: raw.trim() });
      else text = fmt(n === 1 ? S.one : S.many, { count: n, query: raw.trim() });
      if (n > PAGE) text += " " + fmt(S.shown, { shown: PAGE, count: n });
      announce(text);
      return showMore(false);
    }).catch(function (err) {
      if (mine !== seq) return;
      announce(S.error);
      done();
      if (window.console) console.error(err);
    });
  }

  // --- wiring -------------------------------------------------------------------------
  body.hidden = false;
  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  if (params.get("sort")) sortEl.value = params.get("sort");
  input.addEventListener("input", function () { run(false); });
  sortEl.addEventListener("change", function () { run(true); });
  form.addEventListener("submit", function (e) { e.preventDefault(); run(true); });
  more.addEventListener("click", function () { showMore(true); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") {
      var first = list.querySelector("a");
      if (first) { e.preventDefault(); first.focus(); }
    } else if (e.key === "Escape" && input.value) {
      e.preventDefault();
      input.value = "";
      run(true);
    }
  });
  list.addEventListener("keydown", function (e) {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    var links = Array.prototype.slice.call(list.querySelectorAll(".result-title a"));
    var i = links.indexOf(document.activeElement);
    if (i < 0) return;
    e.preventDefault();
    if (e.key === "ArrowDown" && i + 1 < links.length) links[i + 1].focus();
    else if (e.key === "ArrowUp") (i > 0 ? links[i - 1] : input).focus();
  });

  load().then(function (pf) { return pf.filters(); }).then(function (all) {
    // Filters from the address (?section=Tin tức&year=2026): matched against the index's own values.
    Object.keys(all).forEach(function (name) {
      var wanted = params.getAll(name);
      if (!wanted.length) return;
      chosen[name] = Object.keys(all[name]).filter(function (v) { return wanted.indexOf(restore(v)) >= 0; });
    });
    buildFilters(all);
    run(true);
  }).catch(function (err) {
    announce(S.error);
    if (window.console) console.error(err);
  });
  if (!input.value) {
    announce(S.empty);
    input.focus();
  }
})();
