/* Small page behaviours as data attributes, so that the Content-Security-Policy can refuse inline script.
   data-print: the button prints the page; data-confirm="…": a form (on submit) or button (on click) asks first;
   data-navigate: a select goes to the chosen URL; data-navigate-param="name": it sets ?name=value instead. */
(function () {
  document.addEventListener("click", function (e) {
    var el = e.target.closest ? e.target.closest("[data-print], button[data-confirm]") : null;
    if (!el) return;
    if (el.hasAttribute("data-print")) { e.preventDefault(); window.print(); return; }
    if (!window.confirm(el.getAttribute("data-confirm"))) { e.preventDefault(); e.stopImmediatePropagation(); }
  }, true);
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.matches && form.matches("form[data-confirm]") && !window.confirm(form.getAttribute("data-confirm"))) {
      e.preventDefault(); e.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (!el.matches || !el.matches("select[data-navigate], select[data-navigate-param]") || !el.value) return;
    var param = el.getAttribute("data-navigate-param");
    if (param) { location.search = "?" + encodeURIComponent(param) + "=" + encodeURIComponent(el.value); }
    else { location.href = el.value; }
  });
})();
