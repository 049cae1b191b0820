// Switching the language reloads the page: what was already typed into a form marked
// data-keep comes back on the page in the new language (kept in this tab only, and only
// across that one reload; never photos, never the form's one-time key).
(function () {
  "use strict";
  var form = document.querySelector("form[data-keep]");
  if (!form || !window.sessionStorage) { return; }
  var KEY = "rongrian-keep:" + location.pathname;
  function kept(el) {
    return el.name && el.type !== "file" && el.type !== "password" && el.type !== "submit" &&
      el.name !== "csrfmiddlewaretoken" && el.name !== "idempotency_key";
  }
  function store() {
    var answers = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!kept(el)) { return; }
      var list = answers[el.name] || (answers[el.name] = []);
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { list.push(el.value); }
      } else if (el.value) {
        list.push(el.value);
      }
    });
    try { sessionStorage.setItem(KEY, JSON.stringify(answers)); } catch (e) { /* full or off */ }
  }
  var saved = null;
  try {
    saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
    sessionStorage.removeItem(KEY);
  } catch (e) { saved = null; }
  if (saved) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!kept(el) || !saved[el.name]) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = saved[el.name].indexOf(el.value) !== -1;
      } else if (!el.value && saved[el.name].length) {
        el.value = saved[el.name][0];
      }
    });
  }
  // Capture: runs before the language menu's own handler sends its form.
  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "lang-select") { store(); }
  }, true);
  var menu = document.getElementById("lang-select");
  if (menu && menu.form) { menu.form.addEventListener("submit", store); }
})();
