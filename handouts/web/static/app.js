// The front-desk page's only script: filter as you type, count the basket,
// count prints and downloads, update the preview when an option changes.
// Everything works without it (but prints and downloads are then not counted).
(function () {
  "use strict";

  function $(sel, root) { return (root || document).querySelector(sel); }

  // Search: filter and order the cards at once, with the server's ranking.
  var q = $("#q"), list = $("#cards"), count = $("#count");
  if (q && list) {
    var timer = null, seq = 0;
    var apply = function () {
      var mine = ++seq;
      fetch("/search.json?q=" + encodeURIComponent(q.value), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data || mine !== seq) return;
          var cards = Array.prototype.slice.call(list.children);
          var bySlug = {};
          cards.forEach(function (c) { bySlug[c.getAttribute("data-slug")] = c; c.hidden = true; });
          data.slugs.forEach(function (slug) {
            var c = bySlug[slug];
            if (c) { c.hidden = false; list.appendChild(c); }
          });
          cards.forEach(function (c) { if (c.hidden) list.appendChild(c); });
          count.textContent = data.count;      // in the page's language, plural and all
          var none = $("#none");
          if (none) { none.textContent = data.none; none.hidden = !data.none; }
          list.setAttribute("data-query", data.q);
        });
    };
    q.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(apply, 60);
    });
  }

  // Visit basket: say how many are ticked.
  var basket = $("#basket"), basketCount = $("#basket-count");
  if (basket && basketCount) {
    var hint = basketCount.textContent;
    basket.addEventListener("change", function () {
      var n = basket.querySelectorAll('input[name="item"]:checked').length;
      basketCount.textContent = n ? basketCount.getAttribute("data-count").replace("{count}", n) : hint;
    });
  }

  // Print and Download: counted in the activity log by a POST (a GET changes nothing).
  var csrf = $('input[name="csrf"]');
  ["print", "download"].forEach(function (action) {
    var link = $("#" + action);
    if (!link || !csrf) return;
    link.addEventListener("click", function () {
      var body = new URLSearchParams();
      body.append("csrf", csrf.value);
      body.append("action", action);
      fetch(link.getAttribute("href"), { method: "POST", body: body, credentials: "same-origin",
                                         keepalive: true });
    });
  });

  // Print: the browser's print dialog for the PDF, from this page (no new
  // tab): the PDF in a hidden frame of this page, then that frame's print().
  var printLink = $("#print[data-print]");
  if (printLink) {
    printLink.addEventListener("click", function (event) {
      event.preventDefault();
      var old = $("iframe.print-frame");
      if (old) old.parentNode.removeChild(old);
      var frame = document.createElement("iframe");
      frame.className = "print-frame";
      frame.setAttribute("aria-hidden", "true");
      frame.setAttribute("tabindex", "-1");
      frame.addEventListener("load", function () {
        try {
          frame.contentWindow.focus();
          frame.contentWindow.print();
          printLink.setAttribute("data-printed", String(Number(printLink.getAttribute("data-printed") || 0) + 1));
        } catch (e) {
          window.location.href = printLink.getAttribute("href");   // the PDF itself, to print from
        }
      });
      frame.src = printLink.getAttribute("href");
      document.body.appendChild(frame);
    });
  }

  // Options: a changed paper size or large print updates the preview.
  Array.prototype.forEach.call(document.querySelectorAll(".autosubmit"), function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
})();
