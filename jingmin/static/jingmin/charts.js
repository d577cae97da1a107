/* Draw every <figure class="jm-chart"> of the page from its JSON spec (templates/_chart.html), with a
   target line when the spec has one, and offer the same data as CSV and the picture as PNG. */
(function () {
  "use strict";
  var palette = ["#1d3557", "#e09f3e", "#2a7a3b", "#d62828", "#457b9d", "#8d6a9f", "#6b705c", "#f4a261"];

  function csv(spec) {
    var quote = function (v) {
      var s = v === null || v === undefined ? "" : String(v);
      if (/^[=+\-@\t\r]/.test(s)) { s = "'" + s; }  // never a formula in a spreadsheet
      return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
    };
    var lines = [[spec.labelHeader || ""].concat(spec.datasets.map(function (d) { return d.name; })).map(quote).join(",")];
    spec.labels.forEach(function (label, i) {
      lines.push([label].concat(spec.datasets.map(function (d) { return d.data[i]; })).map(quote).join(","));
    });
    return "\ufeff" + lines.join("\r\n") + "\r\n";
  }

  function save(name, blob) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    window.setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  function draw(figure) {
    var spec = JSON.parse(document.getElementById("chart-data-" + figure.dataset.chart).textContent);
    var canvas = figure.querySelector("canvas");
    var stacked = spec.kind === "stacked";
    var datasets = spec.datasets.map(function (d, i) {
      return {
        label: d.name, data: d.data, backgroundColor: palette[i % palette.length], borderColor: palette[i % palette.length],
        borderWidth: spec.kind === "line" ? 2 : 0, fill: false, tension: 0.2, pointRadius: spec.kind === "line" ? 2 : 0,
      };
    });
    if (spec.target) {
      datasets.push({
        type: "line", label: spec.target.label, data: spec.labels.map(function () { return spec.target.value; }),
        borderColor: "#d62828", borderDash: [6, 4], borderWidth: 2, pointRadius: 0, fill: false,
      });
    }
    if (!window.Chart) { figure.dataset.drawn = "0"; return; }
    var chart = new window.Chart(canvas, {
      type: spec.kind === "line" ? "line" : "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        plugins: { legend: { display: datasets.length > 1, position: "bottom" } },
        scales: {
          x: { stacked: stacked, ticks: { autoSkip: true, maxRotation: 60 } },
          y: { stacked: stacked, beginAtZero: true, title: { display: !!spec.unit, text: spec.unit } },
        },
      },
    });
    figure.dataset.drawn = "1";
    figure.querySelector("[data-download=csv]").addEventListener("click", function () {
      save(spec.id + ".csv", new Blob([csv(spec)], { type: "text/csv;charset=utf-8" }));
    });
    figure.querySelector("[data-download=png]").addEventListener("click", function () {
      canvas.toBlob(function (blob) { save(spec.id + ".png", blob); });
    });
    return chart;
  }

  document.querySelectorAll("figure.jm-chart").forEach(draw);
})();
