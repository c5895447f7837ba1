/* Charts drawn from the page's own JSON blocks with the vendored Apache ECharts.
   Each .chart-canvas names its kind (data-chart) and its data (data-source: the id of a
   <script type="application/json">). The table beside each chart holds the same figures, so
   the page reads the same without JavaScript. SVG renderer: labels are text in the page. */
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }

  function label(params) {
    var d = params.data || {};
    return (d.name || params.name || "") + "\n" + (d.label || "");
  }

  var ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" };

  /* A tooltip formatter's string goes into the page as HTML: every name, label and figure
     of the data (a department's, a printed row's) is text, escaped here. Labels are SVG
     text, drawn as written. */
  function escaped(text) {
    return String(text === undefined || text === null ? "" : text).replace(/[&<>"']/g, function (c) {
      return ENTITIES[c];
    });
  }

  function tooltip(params) {
    var d = params.data || {};
    return escaped(d.name || params.name || params.seriesName || "") + "<br>" + escaped(d.label || "") +
      (d.exact ? "<br><small>" + escaped(d.exact) + "</small>" : "");
  }

  var builders = {
    treemap: function (data) {
      return {
        tooltip: { formatter: tooltip },
        series: [{
          type: "treemap", name: data.title || "", data: data.data, leafDepth: 1,
          roam: false, nodeClick: "zoomToNode",
          breadcrumb: { show: true, left: "left" },
          label: { show: true, formatter: label, overflow: "break" },
          upperLabel: { show: true, height: 22, formatter: label },
          levels: [
            { itemStyle: { borderColor: "#fff", borderWidth: 2, gapWidth: 2 } },
            { itemStyle: { borderColor: "#fff", borderWidth: 1, gapWidth: 1 } }
          ]
        }]
      };
    },
    series: function (data) {
      return {
        tooltip: { trigger: "item", formatter: tooltip },
        legend: { top: 0 },
        grid: { left: 90, right: 20, top: 40, bottom: 30 },
        xAxis: { type: "category", data: data.years },
        yAxis: { type: "value", name: data.unit },
        series: data.series.map(function (s, index) {
          return {
            type: index === 0 ? "bar" : "line", name: s.name, data: s.data,
            label: { show: index === 0, position: "top", formatter: function (p) { return p.data ? p.data.label : ""; } }
          };
        })
      };
    },
    bars: function (data) {
      return {
        tooltip: { trigger: "item", formatter: tooltip },
        grid: { left: 200, right: 90, top: 10, bottom: 30 },
        xAxis: { type: "value", name: data.unit },
        yAxis: { type: "category", data: data.data.map(function (d) { return d.name; }), inverse: true },
        series: [{
          type: "bar", data: data.data,
          label: { show: true, position: "right", formatter: function (p) { return p.data.label; } }
        }]
      };
    }
  };

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-source"));
    var build = builders[element.getAttribute("data-chart")];
    if (!source || !build) { return; }
    var data = JSON.parse(source.textContent);
    element.hidden = false;  // drawn: the table beside it folds away, one click to open
    var figures = element.parentNode.querySelector("details.chart-table");
    if (figures) { figures.removeAttribute("open"); }
    var chart = echarts.init(element, null, { renderer: "svg", locale: "ZH" });
    var option = build(data);
    option.aria = { enabled: true, label: { description: element.getAttribute("aria-label") || "" } };
    option.animation = false;
    chart.setOption(option);
    element.setAttribute("data-drawn", "true");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() {
    var elements = document.querySelectorAll(".chart-canvas[data-chart]");
    for (var i = 0; i < elements.length; i++) { draw(elements[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
