/* Jingmin analytics map: hotspot cells (KDE + Gi* hot-spot outline) or forecast focus boxes. */
(function () {
  "use strict";
  var el = document.getElementById("layer-map");
  if (!el) return;
  var config = JSON.parse(document.getElementById("layer-config").textContent);
  var status = document.getElementById("layer-status");
  var map = JM.baseMap(el).setView([23.0, 120.25], 11);
  window.jingminLayerMap = map;

  if (config.unitOutline) {
    var outline = L.geoJSON(config.unitOutline, {
      style: { className: "jm-unit-outline", color: "#1d3557", weight: 2, fill: false }
    }).addTo(map);
    map.fitBounds(outline.getBounds(), { maxZoom: 15 });
  }

  function say(text, state) {
    status.textContent = text;
    el.dataset.state = state;
  }

  function finish() { el.dataset.loaded = "1"; }

  if (!config.layerUrl) { finish(); return; }
  say(config.labels.loading, "loading");

  var TIER_COLOURS = { 1: "#7a0177", 5: "#c51b8a", 10: "#f768a1" };

  function legendControl(rows) {
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "jm-legend");
      rows.forEach(function (row) {
        var line = document.createElement("div");
        var sw = document.createElement("span");
        sw.className = "jm-swatch";
        sw.style.background = row.colour;
        if (row.outline) { sw.style.background = "transparent"; sw.style.border = "2px solid " + row.outline; }
        line.appendChild(sw);
        line.appendChild(document.createTextNode(" " + row.label));
        div.appendChild(line);
      });
      return div;
    };
    legend.addTo(map);
  }

  function drawHotspots(data) {
    var legend = data.legend || [];
    function colour(density) {
      var c = legend.length ? legend[0].colour : "#fd8d3c";
      legend.forEach(function (row) { if (density >= row.from) { c = row.colour; } });
      return c;
    }
    var cells = L.geoJSON({ type: "FeatureCollection", features: data.features }, {
      style: function (f) {
        return { className: "jm-hotcell", fillColor: colour(f.properties.density), fillOpacity: 0.6, stroke: false };
      },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        layer.bindTooltip(p.density.toFixed(1) + " · " + config.labels.z + " " + p.z.toFixed(2) + " · n=" + p.count, { sticky: true });
      }
    }).addTo(map);
    if (data.hot) {
      L.geoJSON(data.hot, { style: { className: "jm-hot-outline", color: "#000", weight: 2.5, fill: false } }).addTo(map);
    }
    var rows = [{ colour: "transparent", label: config.labels.density }];
    legend.forEach(function (row) { rows.push({ colour: row.colour, label: row.label }); });
    rows.push({ outline: "#000", label: config.labels.hot });
    legendControl(rows);
    el.dataset.cells = String(data.features.length);
    el.dataset.hotCells = String((data.meta && data.meta.hot_cells) || 0);
    var summary = data.meta.incidents + " " + config.labels.incidents + " · " + data.features.length + " " +
      config.labels.cells + " · " + ((data.meta && data.meta.hot_cells) || 0) + " " + config.labels.hotCells;
    say(data.message ? data.message + " " + summary : summary, "ok");
    if (data.features.length && !config.unitOutline) { map.fitBounds(cells.getBounds()); }
  }

  function drawForecast(data) {
    L.geoJSON({ type: "FeatureCollection", features: data.features }, {
      style: function (f) {
        var c = TIER_COLOURS[f.properties.tier] || "#f768a1";
        return { className: "jm-focusbox jm-tier-" + f.properties.tier, color: c, weight: 1, fillColor: c, fillOpacity: 0.55 };
      },
      onEachFeature: function (f, layer) { layer.bindTooltip(config.labels.rank + " " + f.properties.rank, { sticky: true }); }
    }).addTo(map);
    var rows = (data.meta.coverages || []).map(function (c) {
      return { colour: TIER_COLOURS[c], label: config.labels.tier.replace("%s", c).replace("%%", "%") };
    });
    legendControl(rows);
    el.dataset.cells = String(data.features.length);
    var summary = config.labels.method + ": " + data.meta.method + " · " + data.features.length + " " + config.labels.cells;
    say(data.message ? data.message + " " + summary : summary, "ok");
  }

  fetch(config.layerUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
    .then(function (res) {
      if (!res.ok) {
        var parts = (res.body.errors || []).map(function (e) { return e.message; });
        say(config.labels.failed + ": " + (parts.length ? parts.join(" ") : res.body.detail), "error");
        return;
      }
      if (config.mode === "forecast") { drawForecast(res.body); } else { drawHotspots(res.body); }
      if (!res.body.features.length) { el.dataset.state = "empty"; }
    })
    .catch(function () { say(config.labels.failed, "error"); })
    .then(finish);
})();
