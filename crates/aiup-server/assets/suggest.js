// Search suggestions as the user types. The search form works without this script; it only
// fills the <datalist> of the search box from /api/v1/suggest.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("q-suggestions");
  if (!input || !list || !window.fetch) {
    return;
  }
  var timer = null;
  var latest = 0;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var text = input.value.trim();
    if (text.length === 0) {
      list.replaceChildren();
      return;
    }
    timer = setTimeout(function () {
      var ticket = ++latest;
      fetch("/api/v1/suggest?limit=8&q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (body) {
          if (ticket !== latest) {
            return;
          }
          var options = (body.suggestions || []).map(function (s) {
            var option = document.createElement("option");
            option.value = s.text;
            return option;
          });
          list.replaceChildren.apply(list, options);
          list.setAttribute("data-count", String(options.length));
        })
        .catch(function () {});
    }, 120);
  });
})();

// Search page: the filter panel is a <details>, closed in the HTML so that phones show the
// results first without scripts. On wide screens CSS shows its content anyway; opening it
// here makes that state real for assistive technology too.
(function () {
  var filters = document.getElementById("filters");
  if (!filters || !window.matchMedia) return;
  var wide = window.matchMedia("(min-width: 48.01rem)");
  function sync() { filters.open = wide.matches; }
  sync();
  if (wide.addEventListener) wide.addEventListener("change", sync);
})();
