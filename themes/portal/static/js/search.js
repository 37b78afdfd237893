/* The search page: results as you type, from this site's Pagefind bundles (same origin).
 *
 * Without JavaScript the page explains what to do (the header's form still opens it).
 *
 * What is asked (scripts/portal/stages/search/vietnamese.py is the other half): Vietnamese is
 * indexed as pairs of syllables, "ʼthủʼtụcʼ", so that a query never needs the page list of a
 * syllable found on every page. A query of several syllables asks for its pairs (the last one
 * by prefix, as you type); a query of one syllable asks for every pair that begins with it,
 * or, when the syllable is frequent in the bundle (portal-search.json), for the titles that
 * hold it ("ʻxãʻ"). "đ" is "ḑ" in the index (Pagefind folds it to "d"), tones are kept so
 * that exact spellings rank first.
 *
 * What is shown: every result is built with DOM text (createElement, textContent), never
 * as HTML. A link is followed only when it is a root-relative path of this site, or, on the
 * network page, a path of a site listed in sites.yaml (the index gives "/<site id>/<path>";
 * the address and the name of the site come from the page's own configuration).
 */
(function () {
  "use strict";
  var root = document.querySelector("[data-search]");
  if (!root) return;
  var config = JSON.parse(document.getElementById("search-config").textContent);
  var S = config.strings;
  var lang = S.lang || document.documentElement.lang || "vi";
  var network = root.getAttribute("data-scope") === "network";
  var form = root.querySelector("form");
  var input = document.getElementById("search-q");
  var body = root.querySelector("[data-search-body]");
  var statusEl = root.querySelector("[data-search-status]");
  var list = root.querySelector("[data-search-results]");
  var more = root.querySelector("[data-search-more]");
  var filtersEl = root.querySelector("[data-search-filters]");
  var sortEl = document.getElementById("search-sort");
  var PAGE = 10, FIRST = 4, EXCERPT = 28;
  var CARDS_PER_WORD = 6;  // cards a word keeps in its file (bundle.CARDS_PER_WORD): fewer means all its pages
  // Before Pagefind answers, only the best card is shown: if Pagefind ranks another page first, that one box
  // changes, and the boxes below, still empty, do not move (no layout shift).
  var GUESS = 1;
  var PAUSE = 250, LONG_PAUSE = 400;  // ms of a pause in typing before the results (see pause())
  var PAIR = "\u02bc", TITLE = "\u02bb";
  var FILTER_ORDER = ["site", "kind", "section", "year", "doc_type", "issuer", "field", "status"];
  var pagefind = null, loading = null, seq = 0, timer = null;
  var carded = 0, answered = 0;  // the last search whose cards were shown; the last one Pagefind answered
  var cardsShown = { seq: 0, byId: {} };  // the cards of the last search whose card files came
  var frequent = {};            // folded syllable -> true (a query of it alone searches titles)
  var capped = {};              // folded word of the index -> true: it keeps only its best pages (bundle.cap_word)
  var filtersLoaded = null;     // the promise of every filter's values, once the reader wants them
  var cardInfo = null;          // {base, buckets}: the card files of the first bundle (or of the network's shards)
  var cardFiles = {};           // bucket -> the promise of its card file (null when missing)
  var listing = null;           // the promise of the bundles' list (and their portal-search.json)
  var current = { source: null, shown: 0, terms: [] };
  var chosen = {};  // filter name -> [raw values]
  var sites = {};   // network: site id -> {url, name}
  (config.ids || []).forEach(function (id, i) { sites[id] = { url: config.sites[i], name: (config.names || [])[i] || id }; });

  // --- text --------------------------------------------------------------------------
  function restore(text) {
    return String(text == null ? "" : text).replace(/\u1e11/g, "đ").replace(/\u1e10/g, "Đ");
  }
  /** The JS twin of portal.model.text.fold: drop tones and marks, đ → d (for finding words in text). */
  function fold(text) {
    return String(text).replace(/[đḑ]/g, "d").replace(/[ĐḐ]/g, "D").normalize("NFD").replace(/\p{M}/gu, "").normalize("NFC");
  }
  /** The syllables of a query as the index writes them: lower case, đ as ḑ, letters and digits apart. */
  function querySyllables(q) {
    var text = q.normalize("NFC").toLowerCase().replace(/đ/g, "\u1e11");
    return text.match(/[\p{L}\p{Nl}\p{No}]+|\p{Nd}+/gu) || [];
  }
  function startsFrequent(f) {
    for (var k in frequent) { if (k !== f && k.indexOf(f) === 0) return true; }
    return false;
  }
  /** The syllables of a query with the index of the word each is in ("953/KH-UBND" is one word). */
  function queryParts(q) {
    var out = [];
    q.normalize("NFC").split(/\s+/).filter(Boolean).forEach(function (word, w) {
      querySyllables(word).forEach(function (s) { out.push({ syl: s, word: w }); });
    });
    return out;
  }
  /** Which pairs a query of n syllables asks for: 0-1, 2-3, … (and n-2 – n-1 when n is odd). Pages with
   *  all of them hold every syllable of the query; phraseFirst() puts those where they follow each other first. */
  function pairStarts(n) {
    var starts = [];
    for (var i = 0; i + 1 < n; i += 2) starts.push(i);
    if (n % 2 === 1 && n > 1) starts.push(n - 2);
    return starts;
  }
  /** What Pagefind is asked for a Vietnamese query (see the header). While typing, the last syllable
   *  is matched by prefix ("quy hoa" finds "quy hoạch"); a submitted query (*complete*) is matched
   *  syllable by syllable, which also loads no index chunk beside the words asked for. */
  function pairTerms(parts, complete) {
    var syl = parts.map(function (p) { return p.syl; });
    var end = complete ? PAIR : "";
    if (!syl.length) return "";
    if (syl.length === 1) {
      var f = fold(syl[0]).toLowerCase();
      if (frequent[f]) return TITLE + syl[0] + TITLE;                // frequent: the titles that hold it
      if (startsFrequent(f)) return PAIR + syl[0] + PAIR;            // "ch": the syllable itself, not chính, chỉ…
      return PAIR + syl[0] + end;                                     // every pair it begins
    }
    var starts = pairStarts(syl.length);
    return starts.map(function (i, k) {
      return PAIR + syl[i] + PAIR + syl[i + 1] + (k + 1 < starts.length ? PAIR : end);
    }).join(" ");
  }
  /** Results whose matched positions hold the query's words one after another (the phrase), or that matched
   *  in their title, number or site name alone, come first, in Pagefind's order (its score). */
  function phraseFirst(results, parts) {
    if (parts.length < 3) return results;
    var offsets = pairStarts(parts.length).map(function (i) { return parts[i].word; });
    var phrase = [], rest = [];
    results.forEach(function (r) {
      var at = {};
      (r.words || []).forEach(function (l) { at[l] = true; });
      var hit = (r.words || []).some(function (p) {
        return offsets.every(function (o) { return at[p + o - offsets[0]]; });
      }) || (!(r.words || []).length && (r.matchedMetaFields || []).length > 0);
      (hit ? phrase : rest).push(r);
    });
    return phrase.concat(rest);
  }
  /** The query as Pagefind gets it, in this page's language. */
  function pagefindQuery(q, complete) {
    if (lang === "vi") return pairTerms(queryParts(q), complete);
    return q.normalize("NFC").replace(/\s+/g, " ").trim();
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

  /** The excerpt: the words around the matches, those at the matched positions marked. */
  function excerptNode(data, terms) {
    var p = el("p", { "class": "excerpt" });
    var content = restore(data.content || "");
    if (/\u200b/.test(content) || !content) {
      // Chinese and Japanese: Pagefind's own excerpt (words it segmented), <mark> rebuilt as nodes.
      var inMark = false;
      restore(data.excerpt || "").split(/(<mark>|<\/mark>)/).forEach(function (part) {
        if (part === "<mark>") { inMark = true; return; }
        if (part === "</mark>") { inMark = false; return; }
        var text = part.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&").replace(/\u200b/g, "");
        if (text) p.appendChild(inMark ? el("mark", null, text) : document.createTextNode(text));
      });
      return p;
    }
    var words = content.split(" ");
    var locs = (data.locations || []).filter(function (l) { return l >= 0 && l < words.length; });
    if (!locs.length) {
      // Matched in the title or another field only: mark the query's words where the text has them.
      var foldedWords = fold(content).toLowerCase();
      var pos = -1;
      terms.some(function (t) { pos = foldedWords.indexOf(t); return pos >= 0; });
      var startChar = Math.max(0, pos - 60);
      var text = content.slice(startChar, startChar + 200);
      highlight(p, (startChar > 0 ? "… " : "") + text + (startChar + 200 < content.length ? " …" : ""), terms);
      return p;
    }
    var marked = {};
    // A position holds a pair of syllables: the next word is part of the match when it has a query syllable.
    locs.forEach(function (l) {
      marked[l] = true;
      var next = words[l + 1] && fold(words[l + 1]).toLowerCase();
      if (next && terms.some(function (t) { return next.indexOf(t) >= 0; })) marked[l + 1] = true;
    });
    var first = Math.min.apply(null, locs);
    var start = Math.max(0, Math.min(first - 6, words.length - EXCERPT));
    var end = Math.min(words.length, start + EXCERPT);
    if (start > 0) p.appendChild(document.createTextNode("… "));
    for (var i = start; i < end; i++) {
      if (i > start) p.appendChild(document.createTextNode(" "));
      if (marked[i]) p.appendChild(el("mark", null, words[i]));
      else p.appendChild(document.createTextNode(words[i]));
    }
    if (end < words.length) p.appendChild(document.createTextNode(" …"));
    return p;
  }

  // --- where a result leads ----------------------------------------------------------
  function httpBase(url) {
    try {
      var u = new URL(url);
      return (u.protocol === "https:" || u.protocol === "http:") && !u.username && !u.password ? u : null;
    } catch (e) { return null; }
  }
  /** A root-relative path that stays on its site: "/a/b/", never "//host", "/\\host" or a scheme. */
  function safePath(path) {
    return typeof path === "string" && /^\/(?![\/\\])/.test(path) && !/[\\\u0000-\u001f]/.test(path) ? path : null;
  }
  /** {href, site}: where a result leads and the site it belongs to (network), or null to leave it out. */
  function target(data) {
    var path = safePath(data.raw_url || data.url);
    if (!path) return null;
    if (!network) {
      var local = new URL(path, location.origin);
      return local.origin === location.origin ? { href: local.pathname + local.search, site: null } : null;
    }
    var m = /^\/([a-z0-9-]+)(\/.*)$/.exec(path);
    var site = m && Object.prototype.hasOwnProperty.call(sites, m[1]) ? sites[m[1]] : null;
    var base = site && httpBase(site.url);
    if (!base) return null;
    var href = new URL(m[2], base.origin).href;
    if (new URL(href).origin !== base.origin) return null;
    // Local preview (portal serve): a site's own URL becomes http://<id>.localhost:PORT/.
    var host = location.hostname;
    var shown = href;
    if (host === "localhost" || /\.localhost$/.test(host)) {
      shown = location.protocol + "//" + m[1] + ".localhost" + (location.port ? ":" + location.port : "") + m[2];
    }
    return { href: shown, canonical: href, site: site };
  }

  // --- Pagefind -----------------------------------------------------------------------
  // data-bundles lists the bundles searched together: a site's own and the shared directives'
  // (/pagefind-chi-dao/), or a shards.json that lists the network index's shards. The first is
  // loaded, the others merged into it (one WebAssembly download). A sort by date uses each
  // bundle's portal-dates.json.gz, loaded when a reader asks for it.
  // Ranking: tones carry meaning (exact spellings first); a match in the title, a document's
  // number or (network) the site's name counts more than one in the text.
  var OPTIONS = {
    excerptLength: EXCERPT, baseUrl: "/",
    ranking: { diacriticSimilarity: 3, metaWeights: { title: 5, tw: 5, number: 20, site: 12 } }
  };
  var bundles = [];
  function getJSON(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.json();
    });
  }
  function addInfo(info) {
    ((info && info.frequent) || []).forEach(function (s) { frequent[s] = true; });
    ((info && info.capped) || []).forEach(function (w) { capped[w] = true; });
  }
  /** The bundles to search (and what their portal-search.json say), once. */
  function bundleList() {
    if (listing) return listing;
    var listed = (root.getAttribute("data-bundles") || "/pagefind/").split(/\s+/).filter(Boolean);
    listing = Promise.all(listed.map(function (b, i) {
      // The cards are those of the first bundle listed (a site's own; the network's shards together).
      var base = /\.json$/.test(b) ? b.replace(/[^\/]*$/, "") : b;
      var info = getJSON(base + "portal-search.json").then(function (got) {
        addInfo(got);
        if (i === 0 && got && got.cards && got.cards.buckets > 0) cardInfo = { base: base + "cards/", buckets: got.cards.buckets };
      }, function () {});
      if (!/\.json$/.test(b)) return info.then(function () { return [b]; });
      return Promise.all([getJSON(b), info]).then(function (got) { return got[0].map(function (n) { return base + n; }); });
    })).then(function (lists) { return [].concat.apply([], lists); });
    return listing;
  }
  function load() {
    if (!loading) {
      loading = bundleList().then(function (list) {
        bundles = list;
        return import(bundles[0] + "pagefind.js").then(function (pf) {
          // In the page, not a Web Worker: one script less to download, and the search itself is small.
          // pf.init() only starts loading the metadata and the WebAssembly: an empty preload waits until
          // they are in, so that a query typed or submitted later pays for its own chunks and fragments only.
          return pf.options(Object.assign({ noWorker: true }, OPTIONS)).then(function () { return pf.init(); }).then(function () {
            return Promise.all(bundles.slice(1).map(function (b) { return pf.mergeIndex(b, OPTIONS); }).concat([pf.preload("")]));
          }).then(function () {
            pagefind = pf;
            return pf;
          });
        });
      });
    }
    return loading;
  }

  /** The JSON of a response holding a gzip file (a server that sends it with Content-Encoding: gzip hands over JSON). */
  function gzipJSON(response) {
    return response.arrayBuffer().then(function (buf) {
      var bytes = new Uint8Array(buf);
      if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return JSON.parse(new TextDecoder().decode(bytes));
      return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).json();
    });
  }

  // --- cards: the likely first results, fetched beside the index chunks ----------------------
  // For each word of the index, its best pages' title, address, date and section are in a small file
  // named by a hash of the word (scripts/portal/stages/search/bundle.py, write_cards). A query asks for
  // its words' files at once, in the same round trip as Pagefind's index chunks, and shows the pages
  // that every word's file holds, best first; Pagefind's results then take their places (same boxes:
  // no layout shift) with their excerpts.
  /** The card file of a word: FNV-1a (32 bits) of its UTF-8, mod *buckets* (bundle.card_bucket). */
  function cardBucket(word, buckets) {
    var h = 0x811c9dc5;
    new TextEncoder().encode(word).forEach(function (b) { h = Math.imul(h ^ b, 0x01000193) >>> 0; });
    return (h & (buckets - 1)) >>> 0;
  }
  function cardFile(bucket) {
    if (!(bucket in cardFiles)) {
      cardFiles[bucket] = fetch(cardInfo.base + bucket.toString(16) + ".json.gz").then(function (r) {
        return r.ok ? gzipJSON(r) : null;
      }).catch(function () { return null; });
    }
    return cardFiles[bucket];
  }
  /** The words of the index that a Vietnamese query asks for, as the card files name them ("ʼthuʼtucʼ", "ʻxaʻ");
   *  none for a syllable asked alone by prefix (its pairs are many). The last pair being typed counts as whole. */
  function cardKeys(q) {
    return q.split(" ").filter(Boolean).map(function (t) {
      var k = fold(t).toLowerCase();
      if (k.charAt(0) === TITLE) return k;
      if (k.charAt(k.length - 1) !== PAIR) k += PAIR;
      return k.split(PAIR).length === 4 ? k : null;
    }).filter(function (k, i, all) { return k && all.indexOf(k) === i; });
  }
  /** Ask for the card files of a query's words (a typed query: those it will need). */
  function prefetchCards(keys) {
    if (!cardInfo) return [];
    return keys.map(function (k) {
      return cardFile(cardBucket(k, cardInfo.buckets)).then(function (file) {
        var refs = file && file.w && Object.prototype.hasOwnProperty.call(file.w, k) ? file.w[k] : [];
        return refs.map(function (ref) { return { card: file.c[ref[0]], score: +ref[1] || 0, field: ref[2] }; })
          .filter(function (x) { return Array.isArray(x.card); });
      });
    });
  }
  /** The cards of a query's words: {byId: fragment name -> card (every word's), ranked: the cards of the pages
   *  that every word has among its best, best (summed score) first}. */
  function cardsFor(q) {
    var none = { byId: {}, ranked: [] };
    if (lang !== "vi") return Promise.resolve(none);
    return bundleList().then(function () {
      var keys = cardKeys(q);
      if (!keys.length || !cardInfo) return none;
      return Promise.all(prefetchCards(keys)).then(function (lists) {
        var by = {}, order = [];
        lists.forEach(function (refs) {
          var seen = {};
          refs.forEach(function (x) {
            var id = String(x.card[0]);
            if (seen[id]) return;
            seen[id] = true;
            var e = by[id] || (by[id] = { card: x.card, n: 0, score: 0, fields: 0 });
            if (!e.n) order.push(e);
            e.n++;
            e.score += x.score;
            e.fields += x.field ? 1 : 0;
          });
        });
        // Pages that every word has among its best; else, when a word has fewer pages than a file keeps (all of
        // them: every result has it, "ʼ953ʼkhʼ"), that word's. A query of several pairs puts first the pages
        // that hold every pair in a field (the phrase is likely in the title, as Pagefind's phrase matches come first).
        var all = order.filter(function (e) { return e.n === lists.length; });
        if (!all.length) {
          var whole = lists.filter(function (refs) { return refs.length && refs.length < CARDS_PER_WORD; });
          whole.sort(function (a, b) { return a.length - b.length; });
          if (whole.length) all = whole[0].map(function (x) { return by[String(x.card[0])]; });
        }
        var n = lists.length;
        all.sort(function (a, b) { return (n > 1 ? (b.fields === n) - (a.fields === n) : 0) || b.n - a.n || b.score - a.score; });
        var byId = {};
        Object.keys(by).forEach(function (id) { byId[id] = by[id].card; });
        return { byId: byId, ranked: all.slice(0, GUESS).map(function (e) { return e.card; }) };
      });
    });
  }

  /** Results in relevance order (Pagefind merges the bundles' results by score). */
  function rankedSource(results) {
    var at = 0;
    return {
      count: results.length,
      ids: results.map(function (r) { return String(r.id); }),
      next: function () {
        var r = results[at++];
        return r ? r.data() : null;
      }
    };
  }
  /** The dates of every bundle's pages (fragment name → "YYYY-MM-DDTHH:MM"), loaded when a reader sorts. */
  var dates = {}, datesLoading = null;
  function loadDates() {
    if (!datesLoading) {
      datesLoading = Promise.all(bundles.map(function (b) {
        return fetch(b + "portal-dates.json.gz").then(function (r) {
          if (!r.ok) throw new Error(b + "portal-dates.json.gz: " + r.status);
          return gzipJSON(r);
        }).then(function (map) { Object.assign(dates, map); });
      }));
    }
    return datesLoading;
  }
  /** The results with a date, newest (desc) or oldest (asc) first. */
  function byDate(results, dir) {
    return loadDates().then(function () {
      var dated = results.filter(function (r) { return dates[r.id]; });
      dated.sort(function (a, b) {
        var x = dates[a.id], y = dates[b.id];
        return x === y ? 0 : (x < y) === (dir === "asc") ? -1 : 1;
      });
      return dated;
    });
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
  /** The results of several searches, each result once, best score first. */
  function union(all) {
    var seen = {}, out = [];
    all.forEach(function (res) {
      (res ? res.results : []).forEach(function (r) { if (!seen[r.id]) { seen[r.id] = true; out.push(r); } });
    });
    out.sort(function (a, b) { return b.score - a.score; });
    return { results: out, filters: sumFilters(all.map(function (r) { return r && r.filters; })) };
  }
  /** Pairs that are not in the index at all (a query joining two phrases, "… tiến quy …") are left out,
   *  then, if the rest are never together, each pair's results are shown: the chunks are loaded already. */
  function relaxed(pf, terms, opts) {
    var pairs = terms.split(" ");
    return Promise.all(pairs.map(function (t) { return pf.search(t, opts); })).then(function (each) {
      var found = pairs.filter(function (_, i) { return each[i] && each[i].results.length; });
      if (!found.length || found.length === pairs.length) return union(each);
      return pf.search(found.join(" "), opts).then(function (res) {
        return res && res.results.length ? res : union(each);
      });
    });
  }
  /** A term as portal-search.json's "capped" lists it: "ʼthủʼtụcʼ" (or, typed, "ʼthuʼtuc") → "thu tuc", "ʻxãʻ" → "ʻxa". */
  function cappedKey(term) {
    var f = fold(term).toLowerCase();
    return f.charAt(0) === TITLE ? TITLE + f.split(TITLE).join("") : f.split(PAIR).filter(Boolean).join(" ");
  }
  /** The pairs of *q* that kept every page in the index, when some others kept only their best pages
   *  (a frequent pair, bundle.cap_word): "953/KH-UBND" asks "ʼ953ʼkhʼ" alone too, since the pages citing it
   *  need not be among the best of "ʼkhʼubndʼ". Null when no pair or every pair is capped. */
  function rarePart(q) {
    var terms = q.split(" ");
    var rare = terms.filter(function (t) { return !capped[cappedKey(t)]; });
    return terms.length > 1 && rare.length && rare.length < terms.length ? rare.join(" ") : null;
  }
  /** The results of *all*, then those of *more* that are not among them (in their order). */
  function appended(all, more) {
    if (!more || !more.results.length) return all;
    var seen = {};
    all.results.forEach(function (r) { seen[r.id] = true; });
    return { results: all.results.concat(more.results.filter(function (r) { return !seen[r.id]; })), filters: more.filters };
  }
  /** One search over every bundle: {source, filters}. */
  function query(pf, q, filters, parts) {
    var opts = { filters: filters };
    return pf.search(q || null, opts).then(function (res) {
      if (res && q && !res.results.length && lang === "vi" && q.indexOf(" ") > 0) return relaxed(pf, q, opts);
      var rare = res && q && lang === "vi" ? rarePart(q) : null;
      return rare ? pf.search(rare, opts).then(function (more) { return appended(res, more); }) : res;
    }).then(function (res) {
      if (!res) return null;
      var results = lang === "vi" ? phraseFirst(res.results, parts) : res.results;
      return (sortEl.value ? byDate(results, sortEl.value) : Promise.resolve(results)).then(function (list) {
        return { source: rankedSource(list), filters: res.filters };
      });
    });
  }

  // --- filters (their values are loaded when the reader opens them, or the address names one) ---
  function filterQuery() {
    var out = {};
    Object.keys(chosen).forEach(function (k) { if (chosen[k].length) out[k] = { any: chosen[k] }; });
    return out;
  }

  function loadFilters() {
    if (!filtersLoaded) {
      filtersLoaded = load().then(function (pf) { return pf.filters(); }).then(function (all) {
        var params = new URLSearchParams(location.search);
        // Filters from the address (?section=Tin tức&year=2026): matched against the index's own values.
        Object.keys(all).forEach(function (name) {
          var wanted = params.getAll(name);
          if (!wanted.length) return;
          chosen[name] = Object.keys(all[name]).filter(function (v) { return wanted.indexOf(restore(v)) >= 0; });
        });
        fillFilters(all);
        return all;
      });
    }
    return filtersLoaded;
  }

  var details = el("details", { "class": "filters" });
  details.appendChild(el("summary", null, S.filters));
  var filterBox = el("div", { "class": "filter-groups" });
  details.appendChild(filterBox);
  filtersEl.appendChild(details);
  details.addEventListener("toggle", function () {
    if (details.open) loadFilters().then(function () { run(true); });
  });

  function fillFilters(all) {
    filterBox.textContent = "";
    var names = Object.keys(all).filter(function (k) { return Object.keys(all[k]).length > 0; });
    names.sort(function (a, b) {
      var ia = FILTER_ORDER.indexOf(a), ib = FILTER_ORDER.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
    });
    if (Object.keys(filterQuery()).length) details.open = true;
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
      filterBox.appendChild(fs);
    });
    var clear = el("button", { type: "button", "class": "filters-clear" }, S.clear);
    clear.addEventListener("click", function () {
      chosen = {};
      filterBox.querySelectorAll("input[type=checkbox]").forEach(function (b) { b.checked = false; });
      run(true);
    });
    filterBox.appendChild(clear);
  }

  function updateCounts(counts) {
    if (!counts) return;
    filterBox.querySelectorAll("[data-count]").forEach(function (span) {
      var key = span.getAttribute("data-count").split("\u0000");
      var n = counts[key[0]] && counts[key[0]][key[1]];
      span.textContent = "(" + (n || 0) + ")";
    });
  }

  filterBox.addEventListener("change", function (e) {
    var box = e.target;
    if (!box.matches || !box.matches("input[data-filter]")) return;
    var name = box.getAttribute("data-filter");
    var values = (chosen[name] || []).filter(function (v) { return v !== box.value; });
    if (box.checked) values.push(box.value);
    chosen[name] = values;
    run(true);
  });

  // --- results ------------------------------------------------------------------------
  function renderResult(li, data, terms) {
    var to = target(data);
    if (!to) { li.remove(); return null; }
    li.textContent = "";  // a card shown before Pagefind's results: the result takes its place
    var h = el("h2", { "class": "result-title" });
    var a = el("a", { href: to.href }, restore((data.meta && data.meta.title) || to.href));
    if (to.canonical) a.setAttribute("data-site-url", to.canonical);  // its own site's address
    h.appendChild(a);
    li.appendChild(h);
    var meta = el("p", { "class": "meta" }), bits = [];
    if (data.meta && data.meta.date) bits.push(el("time", { datetime: data.meta.date }, formatDate(data.meta.date)));
    if (data.meta && data.meta.section) bits.push(document.createTextNode(restore(data.meta.section)));
    if (to.site) bits.push(el("span", { "class": "result-site" }, to.site.name));
    bits.forEach(function (b, i) { if (i) meta.appendChild(document.createTextNode(" · ")); meta.appendChild(b); });
    if (bits.length) li.appendChild(meta);
    li.appendChild(excerptNode(data, terms));
    li.className = "result";
    return a;
  }

  /** Show the cards of a query's likely first results (cardsFor) until Pagefind's results take their places. */
  /** Before Pagefind answers: the card of the page that is likely its first result (GUESS). After: in each place
   *  whose result has a card and no fragment yet, that card (Pagefind's order). */
  function showCards(cards, mine, raw) {
    if (mine !== seq) return;
    cardsShown = { seq: mine, byId: cards.byId };
    if (answered === mine) { fillCards(); return; }
    if (!cards.ranked.length) return;
    list.textContent = "";
    cards.ranked.forEach(function (c) {
      var li = list.appendChild(el("li"));
      li.__pending = true;
      li.__card = String(c[0]);  // a guess: the page Pagefind will likely rank first
      renderCard(li, c);
    });
    carded = mine;
    root.setAttribute("data-results-for", raw);  // the results now appearing are for this query
  }
  function renderCard(li, c) {
    var a = renderResult(li, { url: String(c[1]), meta: { title: String(c[2] || ""), date: String(c[3] || ""), section: String(c[4] || "") } }, []);
    if (a) li.className = "result result-card";
  }
  /** Pagefind's results that wait for their fragment are shown from their cards, in order, up to the first
   *  that has none: a box above one already shown never changes its height later (no layout shift). A box that
   *  shows a card guessed before Pagefind answered, for another page that has no card, is emptied. */
  function fillCards() {
    if (answered !== seq) return;
    var byId = cardsShown.seq === seq ? cardsShown.byId : {}, filled = false;
    Array.prototype.every.call(list.children, function (li) {
      if (!li.__pending) return true;                       // its result is shown
      if (li.__card === li.__rid && li.__card) return true; // its own card is shown
      var card = li.__rid && byId[li.__rid];
      if (!card) {
        if (li.__card !== undefined) { li.textContent = ""; li.className = "result-pending"; li.__card = undefined; }
        return false;
      }
      li.__card = li.__rid;
      renderCard(li, card);
      filled = true;
      return true;
    });
    if (filled) root.setAttribute("data-results-for", input.value);
  }

  /** Show the next PAGE results, each as soon as its fragment arrives (in their order); the first ones in
   *  the places of the cards shown for the same query (reuse), the cards left over removed. */
  function showMore(focusFirst, reuse) {
    var mine = seq, pending = [], first = null;
    reuse = reuse || [];
    for (var i = 0; i < PAGE && current.shown < current.source.count; i++) {
      var li = reuse.shift() || list.appendChild(el("li", { "class": "result-pending" }));
      li.__pending = true;
      li.__rid = current.source.ids ? current.source.ids[current.shown] : null;
      current.shown++;
      pending.push(li);
    }
    reuse.forEach(function (li) { li.remove(); });
    fillCards();
    // While typing, the fragments of the first FIRST results load at once, the others when those are in and
    // the query is still the same: the browser fetches 6 files at a time, so the page fills as soon, and a
    // query that the next letter replaces leaves fewer fragments fetched for nothing. A submitted query's
    // load at once. Each result is shown as soon as it and those before it are there.
    var chain = Promise.resolve(), source = current.source, n = lastComplete ? PAGE : FIRST;
    var head = pending.slice(0, n).map(function () { return Promise.resolve(source.next()); });
    var tail = Promise.all(head).then(function () {
      return mine === seq ? pending.slice(n).map(function () { return Promise.resolve(source.next()); }) : [];
    });
    var loads = pending.map(function (li, i) {
      var got = i < n ? head[i] : tail.then(function (rest) { return rest[i - n] || null; });
      chain = chain.then(function () { return got; }).then(function (data) {
        if (mine !== seq) return;
        if (!data) { li.remove(); return; }
        li.__pending = false;
        var a = renderResult(li, data, current.terms);
        first = first || a;
        fillCards();  // the cards of the results after it, if they were waiting for it
      });
      return chain;
    });
    return Promise.all(loads).then(function () {
      if (mine !== seq) return;
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

  /** While typing, load the index chunks that the finished query will ask for, and no others: the pairs
   *  0-1, 2-3, … of the syllables already complete (a space typed after them), and the pair being typed
   *  when it starts at an even syllable and its second syllable has 3 letters ("hanh chi"; "hanh c" would
   *  load every chunk from "hànhʼca" to "hànhʼcử"). Chunks already asked for are not asked again. */
  var preloaded = {};
  function preloadTyped(value) {
    var terms = [];
    if (lang !== "vi") {
      terms.push(pagefindQuery(value));
    } else {
      var syl = queryParts(value).map(function (p) { return p.syl; });
      var complete = /\s$/.test(value) ? syl.length : syl.length - 1;
      for (var i = 0; i + 1 < complete; i += 2) terms.push(PAIR + syl[i] + PAIR + syl[i + 1] + PAIR);
      var last = syl.length - 1;
      if (complete === last && last % 2 === 1 && fold(syl[last]).length >= 3) terms.push(PAIR + syl[last - 1] + PAIR + syl[last]);
    }
    terms.forEach(function (t) {
      if (!t || preloaded[t]) return;
      preloaded[t] = true;
      pagefind.preload(t).catch(function () {});
    });
    // and the card files of those pairs (the one being typed as if its second syllable were whole: a file of
    // a few kB, so that when typing stops the first results are there before Pagefind's)
    if (lang === "vi") prefetchCards(cardKeys(terms.join(" ")));
  }

  /** How long typing must pause before the results of what is typed are shown (ms): longer while what is
   *  typed would be asked by prefix for many pairs — one syllable that is not frequent ("dau": every pair
   *  it begins), or a last syllable of fewer than 3 letters ("dau tu co") — whose chunks, and the fragments
   *  of results that the next letter replaces, would load for nothing. */
  function pause(value) {
    if (lang !== "vi") return PAUSE;
    var syl = queryParts(value), last = syl.length ? fold(syl[syl.length - 1].syl).toLowerCase() : "";
    if (syl.length === 1) return frequent[last] ? PAUSE : LONG_PAUSE;
    return syl.length > 1 && !/\s$/.test(value) && last.length < 3 ? LONG_PAUSE : PAUSE;
  }

  /** Search now (Enter, a filter) or after a pause in typing; *complete*: the query was submitted
   *  (default: as the last search was, so that a filter or a sort keeps how the words matched). */
  var lastComplete = false;
  function run(now, complete) {
    clearTimeout(timer);
    // While typing, a last word of one Latin letter ("d", "dau t") would load the index of
    // every word it begins: wait for the next letter (Enter or a filter searches at once).
    if (!now && /(^|\s)[a-z0-9]$/i.test(fold(input.value.trim()))) return;
    // The index chunks of what is typed so far load at once (Pagefind's preload), the results
    // after a pause: when the reader stops typing, only the results' own files are left to fetch.
    if (!now && pagefind) preloadTyped(input.value);
    timer = setTimeout(function () { search(complete === undefined ? lastComplete : complete); }, now ? 0 : pause(input.value));
  }

  function search(complete) {
    var mine = ++seq;
    lastComplete = complete;
    var raw = input.value;
    var q = pagefindQuery(raw, complete);
    var parts = lang === "vi" ? queryParts(raw) : [];
    var filters = filterQuery();
    var hasFilters = Object.keys(filters).length > 0;
    // The cards' files are asked for first, so that they come in the same round trip as the index chunks
    // (not for a query in the address, searched as the page opens: the page's own files come first).
    if (q && !hasFilters && !sortEl.value && pagefind) {
      cardsFor(q).then(function (cards) { showCards(cards, mine, raw); }).catch(function () {});
    }
    syncUrl(raw.trim());
    root.setAttribute("data-state", "busy");
    if (!q && !hasFilters) {
      list.textContent = "";
      more.hidden = true;
      announce(raw.trim() ? fmt(S.none, { query: raw.trim() }) : S.empty);
      done();
      return;
    }
    announce(S.searching);
    load().then(function (pf) {
      if (mine !== seq) return null;
      return query(pf, q, filters, parts);
    }).then(function (res) {
      if (mine !== seq || !res) return;
      answered = mine;
      current = { source: res.source, shown: 0, terms: raw.trim() ? fold(raw).toLowerCase().split(/\s+/).filter(Boolean) : [] };
      var reuse = carded === mine ? Array.prototype.slice.call(list.children) : [];
      if (!reuse.length) list.textContent = "";
      updateCounts(res.filters);
      var n = res.source.count, text;
      if (!q) text = fmt(n === 1 ? S.filtered_one : S.filtered_many, { count: n });
      else if (!n) text = fmt(S.none, { query: raw.trim() });
      else text = fmt(n === 1 ? S.one : S.many, { count: n, query: raw.trim() });
      if (n > PAGE) text += " " + fmt(S.shown, { shown: PAGE, count: n });
      announce(text);
      root.setAttribute("data-results-for", raw);  // the results now appearing are for this query
      return showMore(false, reuse);
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
  input.addEventListener("input", function () { run(false, false); });
  sortEl.addEventListener("change", function () { run(true); });
  form.addEventListener("submit", function (e) { e.preventDefault(); run(true, true); });
  more.addEventListener("click", function () { showMore(true); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") {
      var first = list.querySelector(".result-title a");
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

  // The library, the WebAssembly and the page list load as the page opens (not the filters:
  // they load when the reader opens them, or when the address asks for one).
  var wantsFilters = FILTER_ORDER.some(function (name) { return params.getAll(name).length > 0; });
  // A query in the address is searched at once (the search waits for the library itself, and says so).
  if (input.value && !wantsFilters) run(true, true);
  (wantsFilters ? loadFilters() : load()).then(function () {
    if (wantsFilters) run(true, true);
    else if (!input.value) done();
  }).catch(function (err) {
    announce(S.error);
    if (window.console) console.error(err);
  });
  if (!input.value) {
    announce(S.empty);
    input.focus();
  }
})();
