/* Jingmin e-map: vector layers of districts, villages and units; the user's own jurisdiction highlighted. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el) return;
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var status = document.getElementById("map-status");
  var renderer = L.svg({ padding: 0.5 });
  var map = JM.baseMap(el, { preferCanvas: false, renderer: renderer }).setView([23.1, 120.3], 10);
  window.jingminMap = map;

  function fetchJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) { throw new Error(url + " " + r.status); }
      return r.json();
    });
  }

  function popup(props) {
    var div = document.createElement("div");
    var strong = document.createElement("strong");
    strong.textContent = (props.district_name || props.district || "") + " " + (props.name || "");
    div.appendChild(strong);
    if (props.beat_name) {
      var p = document.createElement("div");
      p.textContent = config.labels.beatLabel + ": " + props.beat_name;
      div.appendChild(p);
    }
    return div;
  }

  var overlays = {};
  var control = L.control.layers(null, overlays, { collapsed: window.innerWidth < 700 }).addTo(map);
  var pending = [];

  pending.push(fetchJSON(config.urls.base + "?zoom=12").then(function (data) {
    var layer = L.geoJSON(data, {
      style: { className: "jm-village", color: "#6b7a8f", weight: 0.6, fillOpacity: 0.03 },
      onEachFeature: function (f, l) { l.bindTooltip((f.properties.district || "") + f.properties.name, { sticky: true }); }
    }).addTo(map);
    control.addOverlay(layer, config.labels.villages);
    el.dataset.villages = String(data.features.length);
    return layer;
  }));

  pending.push(fetchJSON(config.urls.districts + "?zoom=11").then(function (data) {
    var layer = L.geoJSON(data, { style: { className: "jm-district", color: "#334", weight: 1.6, fill: false } }).addTo(map);
    control.addOverlay(layer, config.labels.districts);
    return layer;
  }));

  var own = null;
  ["precinct", "station", "beat"].forEach(function (kind) {
    pending.push(fetchJSON(config.urls.units + "?kind=" + kind + "&zoom=13").then(function (data) {
      var layer = L.geoJSON(data, {
        style: function (f) {
          var mine = f.properties.code === config.ownUnit;
          return {
            className: "jm-unit jm-" + kind + (mine ? " jm-own" : ""),
            color: mine ? "#d62828" : "#1d3557",
            weight: mine ? 3 : (kind === "beat" ? 0.8 : 1.4),
            fillOpacity: mine ? 0.18 : 0,
            fill: mine
          };
        },
        onEachFeature: function (f, l) {
          l.bindTooltip(f.properties.name, { sticky: true });
          if (f.properties.code === config.ownUnit) { own = l; }
        }
      });
      if (kind === config.ownKind || data.features.length <= 200) { layer.addTo(map); }
      control.addOverlay(layer, config.labels[kind] + " (" + data.features.length + ")");
      return layer;
    }));
  });

  pending.push(fetchJSON(config.urls.villages + "?zoom=14").then(function (data) {
    var layer = L.geoJSON(data, {
      style: { className: "jm-myvillage", color: "#457b9d", weight: 1, fillOpacity: 0.05 },
      onEachFeature: function (f, l) { l.bindPopup(popup(f.properties)); }
    }).addTo(map);
    control.addOverlay(layer, config.labels.myVillages + " (" + data.features.length + ")");
    return layer;
  }));

  Promise.allSettled(pending).then(function (results) {
    if (own) {
      own.bringToFront();
      map.fitBounds(own.getBounds(), { maxZoom: 15 });
    }
    var failed = results.filter(function (r) { return r.status === "rejected"; }).length;
    if (failed) { status.textContent = JM.labels.layersFailed.replace("%s", failed); }
    el.dataset.loaded = "1";
  });
})();
