/* The base of every Jingmin map: tiles from JINGMIN_TILE_URL when they load, otherwise (an isolated police
   intranet) Tainan's bundled district and village outlines, with one note saying so. Also a place search
   over the bundled village names and a "use my location" button for location pickers.
   Configuration: <script id="jm-basemap" type="application/json"> written by templates/_leaflet.html. */
(function () {
  "use strict";
  if (!window.L) return;
  var config = JSON.parse(document.getElementById("jm-basemap").textContent);
  L.Icon.Default.imagePath = config.images;  // marker icons from the vendored Leaflet, not the page's URL
  var outline = null;  // one fetch per page, shared by every map on it

  function loadOutline() {
    if (!outline) {
      outline = fetch(config.outline, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) { throw new Error(config.outline + " " + r.status); }
        return r.json();
      });
    }
    return outline;
  }

  function note(map, text) {
    var box = L.DomUtil.create("div", "jm-map-note");
    box.setAttribute("role", "status");
    box.textContent = text;
    map.getContainer().appendChild(box);
    return box;
  }

  function drawOutline(map) {
    if (map._jmOutline) return;
    map._jmOutline = true;
    map.getContainer().classList.add("jm-no-tiles");
    map.getContainer().dataset.base = "outline";
    note(map, config.labels.tilesFailed);
    loadOutline().then(function (data) {
      var pane = map.createPane("jmOutline");
      pane.style.zIndex = 250;  // above the (failed) tiles, below every data layer
      L.geoJSON(data.villages, {
        pane: "jmOutline", interactive: false,
        style: { color: "#8a94a6", weight: 0.6, fill: true, fillColor: "#f4f1ea", fillOpacity: 1 },
      }).addTo(map);
      L.geoJSON(data.districts, {
        pane: "jmOutline", interactive: false, style: { color: "#4b5563", weight: 1.6, fill: false },
      }).addTo(map);
      map.getContainer().dataset.outline = "1";
    });
  }

  /* A Leaflet map on `el` with the base layer. Options go to L.map; returns the map. */
  function baseMap(el, options) {
    var map = L.map(el, options || {});
    var tiles = L.tileLayer(config.tileUrl, { maxZoom: 19, attribution: config.attribution });
    var loaded = false;
    tiles.on("tileload", function () { loaded = true; el.dataset.base = el.dataset.base || "tiles"; });
    tiles.on("tileerror", function () { if (!loaded) drawOutline(map); });
    tiles.addTo(map);
    // a blocked network may neither answer nor fail for a long time: do not leave a grey box meanwhile
    window.setTimeout(function () { if (!loaded) drawOutline(map); }, config.waitMs);
    return map;
  }

  /* Picker helpers: a search box over village names and a "use my location" button, above the map. */
  function pickerTools(map, onPick) {
    var bar = document.createElement("div");
    bar.className = "jm-pick-tools";
    var input = document.createElement("input");
    input.type = "search";
    input.placeholder = config.labels.searchPlace;
    input.setAttribute("aria-label", config.labels.searchPlace);
    input.setAttribute("list", "jm-pick-places-" + (map._leaflet_id || 0));
    var list = document.createElement("datalist");
    list.id = input.getAttribute("list");
    var byLabel = {};
    loadOutline().then(function (data) {
      data.villages.features.forEach(function (f) {
        var p = f.properties;
        var label = p.district + " " + p.name;
        byLabel[label] = p.at;
        var option = document.createElement("option");
        option.value = label;
        list.appendChild(option);
      });
    });
    input.addEventListener("change", function () {
      var at = byLabel[input.value.trim()];
      if (at) { map.setView(at, 16); }
    });
    bar.appendChild(input);
    bar.appendChild(list);
    if (navigator.geolocation) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "linkish";
      button.textContent = config.labels.myLocation;
      button.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          var ll = L.latLng(pos.coords.latitude, pos.coords.longitude);
          map.setView(ll, 17);
          if (onPick) { onPick(ll); }
        }, function () { button.textContent = config.labels.noLocation; });
      });
      bar.appendChild(button);
    }
    map.getContainer().parentNode.insertBefore(bar, map.getContainer());
    return bar;
  }

  window.JM = window.JM || {};
  window.JM.baseMap = baseMap;
  window.JM.pickerTools = pickerTools;
  window.JM.loadOutline = loadOutline;
  window.JM.labels = config.labels;
})();
