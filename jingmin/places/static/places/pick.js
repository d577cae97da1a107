/* Pick a point on a small map: fills the latitude/longitude inputs of the form. */
(function () {
  "use strict";
  var el = document.getElementById("pick-map");
  if (!el || !window.L) return;
  var lat = document.querySelector("input.pick-lat");
  var lon = document.querySelector("input.pick-lon");
  var start = lat && lat.value && lon.value ? [parseFloat(lat.value), parseFloat(lon.value)] : [23.0, 120.21];
  var map = JM.baseMap(el).setView(start, lat && lat.value ? 16 : 12);
  var marker = lat && lat.value ? L.marker(start, { alt: el.dataset.markerLabel || "" }).addTo(map) : null;
  function pick(latlng) {
    if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng, { alt: el.dataset.markerLabel || "" }).addTo(map); }
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    lat.dispatchEvent(new Event("change", { bubbles: true }));
  }
  map.on("click", function (e) { pick(e.latlng); });
  JM.pickerTools(map, pick);
  // typed coordinates move the marker too
  [lat, lon].forEach(function (input) {
    if (!input) return;
    input.addEventListener("input", function () {
      var a = parseFloat(lat.value), b = parseFloat(lon.value);
      if (isFinite(a) && isFinite(b)) {
        var ll = L.latLng(a, b);
        if (marker) { marker.setLatLng(ll); } else { marker = L.marker(ll, { alt: el.dataset.markerLabel || "" }).addTo(map); }
        map.panTo(ll);
      }
    });
  });
})();
