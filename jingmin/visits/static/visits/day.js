/* "My beat today" map: due stops, numbered in the suggested order; overdue in red. */
(function () {
  "use strict";
  var el = document.getElementById("daymap");
  if (!el || !window.L) return;
  var points = JSON.parse(document.getElementById("day-points").textContent);
  var map = JM.baseMap(el);
  var bounds = [];
  var line = [];
  points.forEach(function (p) {
    var ll = [p.lat, p.lon];
    bounds.push(ll);
    if (p.order) { line.push(ll); }
    var m = p.order
      ? L.marker(ll, { icon: L.divIcon({ className: "jm-cluster" + (p.overdue ? " jm-place-cluster" : ""), html: "<span>" + p.order + "</span>", iconSize: [24, 24] }) })
      : L.circleMarker(ll, { radius: 5, color: p.overdue ? "#d62828" : "#457b9d" });
    m.bindTooltip(p.name).addTo(map);
  });
  if (line.length > 1) { L.polyline(line, { color: "#1d3557", weight: 2, dashArray: "4 4" }).addTo(map); }
  if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 17 }); }
})();
