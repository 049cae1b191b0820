// The location pin of the complaint form. Works without map tiles: the map is then a
// blank grid, and "Use my location" still sets the pin.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var latInput = document.getElementById("id_latitude");
  var lonInput = document.getElementById("id_longitude");
  var status = document.getElementById("pin-status");
  var start = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
  var map = L.map(el, { scrollWheelZoom: false }).setView(start, 14);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
  } else {
    el.classList.add("no-tiles");
  }
  var marker = null;
  function setPin(lat, lon, moveMap) {
    lat = Math.round(lat * 1e6) / 1e6;
    lon = Math.round(lon * 1e6) / 1e6;
    latInput.value = lat.toFixed(6);
    lonInput.value = lon.toFixed(6);
    if (marker) { marker.setLatLng([lat, lon]); } else {
      marker = L.marker([lat, lon], { draggable: true, keyboard: true }).addTo(map);
      marker.on("dragend", function (e) { var p = e.target.getLatLng(); setPin(p.lat, p.lng, false); });
    }
    if (moveMap) { map.setView([lat, lon], 17); }
    status.textContent = el.dataset.pinSet || "\u2713";
    // Whoever listens (the counter's possible-duplicates panel) hears of the new place.
    latInput.dispatchEvent(new Event("change", { bubbles: true }));
  }
  if (latInput.value && lonInput.value) { setPin(parseFloat(latInput.value), parseFloat(lonInput.value), true); }
  map.on("click", function (e) { setPin(e.latlng.lat, e.latlng.lng, false); });
  document.getElementById("clear-pin").addEventListener("click", function () {
    if (marker) { map.removeLayer(marker); marker = null; }
    latInput.value = ""; lonInput.value = ""; status.textContent = el.dataset.pinCleared || "";
    latInput.dispatchEvent(new Event("change", { bubbles: true }));
  });
  document.getElementById("locate").addEventListener("click", function () {
    function failed() { status.textContent = el.dataset.locateFailed || ""; }
    if (!navigator.geolocation) { failed(); return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      setPin(pos.coords.latitude, pos.coords.longitude, true);
    }, failed, { timeout: 15000 });
  });
})();
