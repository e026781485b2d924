/* 一张图: the map coloured by the chosen figure (click to drill down) and the monthly trends; data is #cockpit-data. */
(function () {
  if (!window.echarts) return;
  var data = JSON.parse(document.getElementById("cockpit-data").textContent);
  var charts = [];
  var mapEl = document.getElementById("cockpit-map");
  if (mapEl && data.geo.features.length) {
    echarts.registerMap("cockpit", data.geo);
    var values = data.areas.map(function (a) { return a.value; }).filter(function (v) { return v !== null; });
    var min = values.length ? Math.min.apply(null, values) : 0, max = values.length ? Math.max.apply(null, values) : 1;
    if (min === max) { max = min + 1; }
    var byName = {};
    data.areas.forEach(function (a) { byName[a.name] = a; });
    var map = echarts.init(mapEl);
    map.setOption({
      tooltip: {trigger: "item", formatter: function (p) {
        var a = byName[p.name]; return a ? a.name + "<br>" + data.figure + "：" + a.display + "（" + a.status + "）" : p.name; }},
      visualMap: {min: min, max: max, calculable: true, left: 0, bottom: 0, text: ["高", "低"],
        inRange: {color: ["#dcfce7", "#fde68a", "#b91c1c"]}},
      series: [{type: "map", map: "cockpit", roam: true, label: {show: true, fontSize: 11},
        emphasis: {label: {show: true}}, selectedMode: false,
        data: data.areas.map(function (a) { return {name: a.name, value: a.value === null ? "-" : a.value}; })}]
    });
    map.on("click", function (p) { var a = byName[p.name]; if (a) { window.location.href = a.url; } });
    charts.push(map);
  }
  var trendEl = document.getElementById("cockpit-trends");
  if (trendEl) {
    var t = echarts.init(trendEl);
    t.setOption({tooltip: {trigger: "axis"}, legend: {top: 0},
      grid: {left: 10, right: 20, top: 40, bottom: 10, containLabel: true},
      xAxis: {type: "category", data: data.trends.months}, yAxis: {type: "value", minInterval: 1},
      series: data.trends.series.map(function (s) { return {name: s.name, type: "line", data: s.values}; })});
    charts.push(t);
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
