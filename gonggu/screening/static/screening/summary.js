/* The charts of the screening summary; their data is the page's #chart-data JSON. */
(function () {
  if (!window.echarts) return;
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  function bar(id, d, color) {
    var el = document.getElementById(id); if (!el) return;
    var c = echarts.init(el);
    c.setOption({color: [color], tooltip: {}, grid: {left: 40, right: 10, top: 10, bottom: 60, containLabel: true},
      xAxis: {type: "category", data: d.labels, axisLabel: {rotate: d.labels.length > 4 ? 35 : 0, interval: 0}},
      yAxis: {type: "value", minInterval: 1}, series: [{type: "bar", data: d.values}]});
    window.addEventListener("resize", function () { c.resize(); });
  }
  var rule = document.getElementById("chart-rule");
  if (rule) {
    var rc = echarts.init(rule);
    rc.setOption({color: ["#b3261e"], tooltip: {}, grid: {left: 10, right: 20, top: 10, bottom: 10, containLabel: true},
      xAxis: {type: "value", minInterval: 1}, yAxis: {type: "category", inverse: true, data: data.rule.labels,
      axisLabel: {fontSize: 11}}, series: [{type: "bar", data: data.rule.values}]});
    window.addEventListener("resize", function () { rc.resize(); });
  }
  bar("chart-township", data.township, "#1d4ed8");
  bar("chart-department", data.department, "#15803d");
  var el = document.getElementById("chart-grade");
  if (el) {
    var pie = echarts.init(el);
    var colors = {"红色": "#b91c1c", "橙色": "#ea580c", "黄色": "#eab308", "提示": "#6b7280"};
    pie.setOption({tooltip: {trigger: "item"}, series: [{type: "pie", radius: ["35%", "70%"],
      data: data.grade.map(function (g) { return {name: g.name, value: g.value, itemStyle: {color: colors[g.name]}}; })}]});
    window.addEventListener("resize", function () { pie.resize(); });
  }
})();
