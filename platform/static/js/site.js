/* Small behaviours every page shares. Plain JavaScript, no framework; pages work without it.
 *
 * 1. Character counters: every textarea and text input with a maxlength shows "已输入 n / max 字" below it.
 *    The counter is the field's description (aria-describedby), so a screen reader reads it with the field;
 *    the number itself is not a live region, so typing is not interrupted. Only on crossing into the last
 *    tenth of the limit, and on reaching it, one polite status message is announced.
 *    A field opts out with data-counter="off".
 * 3. Filter boxes: <input data-filter="ID"> hides the labels inside #ID whose text does not contain what was
 *    typed (the unit pickers of an assignment: plain radio buttons and check boxes, no Ctrl-click); Enter in
 *    the box filters instead of submitting the form.
 * 4. A wide table's scrolling box (.table-wrap) that does scroll is made focusable (tabindex 0, a region named
 *    by its table's caption or the page's heading), so keyboard users can scroll it too (WCAG 2.1.1).
 * 5. A page that follows something happening elsewhere (the sign-in screen's code, a print's progress) marks an
 *    element data-reload-seconds="N": the page loads itself again after N seconds, unless a field on it has been
 *    typed into. It says so in words, and has a link to do it by hand (without JavaScript).
 * 2. "返回上一页" links (data-history-back) go back in the browser's history, which keeps what was typed
 *    into the previous page's form; without JavaScript or history they follow their href.
 *
 * The texts come translated from the script element's data attributes (base.html), with {n}, {max} and {left}
 * as placeholders.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var texts = {
    count: (script && script.dataset.textCount) || "{n} / {max}",
    near: (script && script.dataset.textNear) || "{left}",
    full: (script && script.dataset.textFull) || "{max}",
  };
  var COUNTED = "textarea[maxlength], input[maxlength]";
  var TEXT_INPUTS = ["text", "search", "url", "tel", "email"];
  var serial = 0;
  var status = null;
  var refreshers = [];

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (whole, key) {
      return key in values ? String(values[key]) : whole;
    });
  }

  function counts(field) {
    if (field.dataset.counter === "off" || field.maxLength <= 0) return false;
    return field.tagName === "TEXTAREA" || TEXT_INPUTS.indexOf(field.type) !== -1;
  }

  /* One visually hidden status region for the page: announcements go there, not into the counters. */
  function announce(message) {
    if (!status) {
      status = document.createElement("div");
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      document.body.appendChild(status);
    }
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  function level(length, max) {
    if (length >= max) return "full";
    if (max - length <= Math.max(1, Math.ceil(max / 10))) return "near";
    return "";
  }

  function attach(field) {
    var counter = document.createElement("p");
    counter.className = "char-count";
    counter.id = (field.id || "field-" + ++serial) + "-count";
    field.insertAdjacentElement("afterend", counter);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", described ? described + " " + counter.id : counter.id);

    var shown = null;
    function update(byTyping) {
      var max = field.maxLength;
      var length = field.value.length;
      var now = level(length, max);
      counter.textContent = fill(texts.count, { n: length, max: max });
      counter.classList.toggle("is-near", now === "near");
      counter.classList.toggle("is-full", now === "full");
      if (byTyping && now !== shown && now !== "") {
        announce(fill(now === "full" ? texts.full : texts.near, { max: max, left: max - length }));
      }
      shown = now;
    }
    field.addEventListener("input", function () { update(true); });
    refreshers.push(function () { update(false); });
    update(false);
  }

  function init() {
    var fields = document.querySelectorAll(COUNTED);
    for (var i = 0; i < fields.length; i++) {
      if (counts(fields[i])) attach(fields[i]);
    }
    // Back to a form: the browser may put the typed text back after this ran.
    window.addEventListener("pageshow", function () {
      refreshers.forEach(function (refresh) { refresh(); });
    });
    var heading = document.querySelector("h1");
    document.querySelectorAll(".table-wrap").forEach(function (box) {
      if (box.scrollWidth <= box.clientWidth || box.hasAttribute("tabindex")) return;
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      var caption = box.querySelector("caption");
      box.setAttribute("aria-label", (caption || heading || box).textContent.trim().slice(0, 60));
    });
    document.addEventListener("input", function (event) {
      var box = event.target;
      if (!box.dataset || !box.dataset.filter) return;
      var list = document.getElementById(box.dataset.filter);
      if (!list) return;
      var needle = box.value.trim().toLowerCase();
      list.querySelectorAll("label").forEach(function (label) {
        label.hidden = needle !== "" && label.textContent.toLowerCase().indexOf(needle) === -1;
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target.dataset && event.target.dataset.filter) event.preventDefault();
    });
    var reloading = document.querySelector("[data-reload-seconds]");
    if (reloading) {
      var typed = false;
      document.addEventListener("input", function () { typed = true; });
      var seconds = parseInt(reloading.dataset.reloadSeconds, 10) || 30;
      window.setTimeout(function () { if (!typed) window.location.reload(); }, seconds * 1000);
    }
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[data-history-back]");
      if (link && window.history.length > 1) {
        event.preventDefault();
        window.history.back();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
