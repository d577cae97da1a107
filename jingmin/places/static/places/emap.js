/* Jingmin e-map: places with crime indicators and persons (or counts per village), fetched per viewport
   (bbox + zoom); the server sends grid cells with counts when a viewport holds too many points. */
(function () {
  "use strict";
  var el = document.getElementById("emap");
  if (!el) return;
  var config = JSON.parse(document.getElementById("emap-config").textContent);
  var status = document.getElementById("map-status");
  var map = JM.baseMap(el).setView([23.0, 120.25], 11);
  window.jingminEmap = map;
  var riskColor = { 1: "#2a7a3b", 2: "#e09f3e", 3: "#d62828" };
  var placeLayer = L.layerGroup().addTo(map);
  var personLayer = L.layerGroup().addTo(map);
  var control = L.control.layers(null, {}, { collapsed: window.innerWidth < 700 }).addTo(map);
  if (config.urls.places) { control.addOverlay(placeLayer, config.labels.places); }
  control.addOverlay(personLayer, config.labels.persons);
  var filters = document.getElementById("emap-filters");

  function text(tag, value) { var e = document.createElement(tag); e.textContent = value; return e; }

  function cluster(f, color, cls) {
    var n = f.properties.count;
    var size = Math.min(48, 18 + Math.round(Math.log(n + 1) * 5));
    return L.marker([f.geometry.coordinates[1], f.geometry.coordinates[0]], {
      icon: L.divIcon({ className: "jm-cluster " + cls, html: "<span>" + n + "</span>", iconSize: [size, size] })
    });
  }

  function query() {
    var b = map.getBounds();
    var params = new URLSearchParams(new FormData(filters));
    params.set("bbox", [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); }).join(","));
    params.set("zoom", map.getZoom());
    Array.from(params.keys()).forEach(function (k) { if (!params.get(k)) { params.delete(k); } });
    return params;
  }

  function load(url, layer, draw) {
    if (!url) { return Promise.resolve(); }
    return fetch(url + "?" + query().toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) { layer.clearLayers(); data.features.forEach(function (f) { draw(f).addTo(layer); }); return data; });
  }

  function drawPlace(f) {
    var p = f.properties;
    if (p.cluster) { return cluster(f, riskColor[p.risk] || "#1d3557", "jm-place-cluster"); }
    var m = L.circleMarker([f.geometry.coordinates[1], f.geometry.coordinates[0]], {
      radius: 6, color: "#fff", weight: 1, fillColor: riskColor[p.risk] || "#1d3557", fillOpacity: 0.9, className: "jm-place"
    });
    var div = document.createElement("div");
    var a = text("a", p.name); a.href = config.detailUrl + f.id + "/"; div.appendChild(a);
    div.appendChild(text("div", config.labels.risk + ": " + p.risk));
    div.appendChild(text("div", config.labels.lastVisited + ": " + (p.last_visited ? p.last_visited.slice(0, 10) : config.labels.never)));
    m.bindPopup(div);
    return m;
  }

  function drawPerson(f) {
    var p = f.properties;
    if (p.cluster) {
      var m = cluster(f, "#457b9d", "jm-person-cluster");
      if (p.name) { m.bindTooltip(p.name + ": " + p.count); }
      return m;
    }
    return L.circleMarker([f.geometry.coordinates[1], f.geometry.coordinates[0]], {
      radius: 5, color: "#1d3557", weight: 1, fillColor: p.whereabouts_unknown ? "#000" : "#457b9d", fillOpacity: 0.9, className: "jm-person"
    }).bindTooltip(p.name || "");
  }

  var timer = null;
  function refresh() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      Promise.allSettled([
        load(config.urls.places, placeLayer, drawPlace),
        load(config.urls.persons, personLayer, drawPerson)
      ]).then(function (results) {
        var failed = results.filter(function (r) { return r.status === "rejected"; }).length;
        if (failed) { status.textContent = JM.labels.layersFailed.replace("%s", failed); }
        el.dataset.loaded = "1";
        el.dataset.places = String(placeLayer.getLayers().length);
        el.dataset.persons = String(personLayer.getLayers().length);
      });
    }, 150);
  }
  map.on("moveend", refresh);
  filters.addEventListener("change", refresh);
  // the user's villages as context, and the first view fitted to the jurisdiction
  fetch(config.urls.villages, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) {
      if (!data || !data.features.length) { refresh(); return; }
      var outline = L.geoJSON(data, {
        style: { className: "jm-myvillage", color: "#457b9d", weight: 1, fill: false }, interactive: false
      }).addTo(map);
      outline.bringToBack();
      control.addOverlay(outline, config.labels.villages);
      map.fitBounds(outline.getBounds(), { maxZoom: 16 });
      refresh();  // debounced: one load even when moveend fires too
    })
    .catch(function () { refresh(); });
})();
