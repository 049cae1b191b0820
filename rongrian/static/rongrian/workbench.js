// Case page: the read-only map, and keyboard shortcuts for the screening desk.
(function () {
  "use strict";
  var el = document.getElementById("case-map");
  if (el && window.L) {
    var at = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
    var map = L.map(el, { scrollWheelZoom: false }).setView(at, 16);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    } else { el.classList.add("no-tiles"); }
    L.marker(at).addTo(map);
  }
  var panel = document.querySelector("[data-shortcuts=screening]");
  if (!panel) { return; }
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) { return; }
    var key = e.key.toLowerCase();
    if (key === "f") {
      var forward = document.getElementById("act-forward");
      if (forward) { e.preventDefault(); forward.requestSubmit(); }
    } else if (key === "r") {
      var reason = document.getElementById("reject-reason");
      if (reason) { e.preventDefault(); reason.focus(); }
    } else if (key === "n" || key === "j") {
      var next = document.getElementById("next-case");
      if (next) { e.preventDefault(); window.location = next.href; }
    }
  });
})();
