// Packing step (production job page): as a scanner types codes into the box, the items they name are ticked and
// a line says what is still missing or does not belong. Only a help: the server checks everything again and
// refuses a mismatch, and without this file scanning and ticking work the same.
(function () {
  "use strict";

  var form = document.querySelector("[data-packing]");
  if (!form) { return; }
  var box = form.querySelector("[data-scan-box]");
  var ticks = Array.prototype.slice.call(form.querySelectorAll("input[name=items]"));
  var status = form.querySelector("[data-scan-status]");

  function update() {
    var codes = box.value.split(/\r?\n/).map(function (s) { return s.trim(); }).filter(Boolean);
    var known = {};
    ticks.forEach(function (tick) {
      var scanned = codes.indexOf(tick.value) !== -1 || codes.indexOf(tick.dataset.reference) !== -1;
      known[tick.value] = known[tick.dataset.reference] = true;
      if (scanned) {
        tick.checked = true;
        tick.dataset.auto = "1";
      } else if (tick.dataset.auto) {  // its code was taken out of the box again
        tick.checked = false;
        delete tick.dataset.auto;
      }
    });
    var missing = ticks.filter(function (tick) { return !tick.checked; }).length;
    var extra = codes.filter(function (code) { return !known[code]; });
    var words = [];
    if (extra.length) { words.push("Not part of this order: " + extra.join(", ") + "."); }
    words.push(missing ? missing + " of " + ticks.length + " items still to scan or tick." : "Every item is here.");
    status.textContent = words.join(" ");
    status.classList.toggle("is-bad", extra.length > 0);
    status.classList.toggle("is-ok", !extra.length && !missing);
  }

  ticks.forEach(function (tick) {
    tick.addEventListener("change", function () { delete tick.dataset.auto; update(); });
  });
  box.addEventListener("input", update);
  update();
})();
