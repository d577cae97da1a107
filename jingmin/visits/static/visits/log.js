/* Visit form: the written-notice date is asked only for a group meeting (座談會). */
(function () {
  "use strict";
  var box = document.getElementById("group-notice");
  var form = document.getElementById("visit-form");
  if (!box || !form) return;
  var radios = form.querySelectorAll("input[name=method]");
  function update() {
    var checked = form.querySelector("input[name=method]:checked");
    box.hidden = !(checked && checked.value === box.dataset.method);
  }
  Array.prototype.forEach.call(radios, function (r) { r.addEventListener("change", update); });
  update();
})();
