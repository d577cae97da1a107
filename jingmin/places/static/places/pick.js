/* Pick a point on a small map: fills the latitude/longitude inputs of the form. */
(function () {
  "use strict";
  var el = document.getElementById("pick-map");
  if (!el || !window.L) return;
  var lat = document.querySelector("input.pick-lat");
  var lon = document.querySelector("input.pick-lon");
  var start = lat && lat.value && lon.value ? [parseFloat(lat.value), parseFloat(lon.value)] : [23.0, 120.21];
  var map = L.map(el).setView(start, lat && lat.value ? 16 : 12);
  var url = el.dataset.tiles || "https://wmts.nlsc.gov.tw/wmts/EMAP/default/GoogleMapsCompatible/{z}/{y}/{x}";
  L.tileLayer(url, { maxZoom: 19 }).addTo(map);
  var marker = lat && lat.value ? L.marker(start).addTo(map) : null;
  map.on("click", function (e) {
    if (marker) { marker.setLatLng(e.latlng); } else { marker = L.marker(e.latlng).addTo(map); }
    lat.value = e.latlng.lat.toFixed(6);
    lon.value = e.latlng.lng.toFixed(6);
  });
  if (navigator.geolocation && el.dataset.locate === "1" && lat && !lat.value) {
    navigator.geolocation.getCurrentPosition(function (pos) { map.setView([pos.coords.latitude, pos.coords.longitude], 16); });
  }
})();
