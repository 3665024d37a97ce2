// Django admin's widgets, given the names assistive technology needs (WCAG 4.1.2).
// Loaded by templates/admin/base_site.html, deferred: it runs after admin's own scripts.
"use strict";

// The field's name: its <label>, or the aria-label a tabular inline's field is given in
// hlt/admin_site.py (its column header is no label).
function fieldName(select) {
  const label = select.id && document.querySelector(`label[for="${select.id}"]`);
  return (select.getAttribute("aria-label") || (label ? label.textContent : "")).replace(/:\s*$/, "").trim();
}

// select2 (the autocomplete fields) names its combobox after the text shown in it, which is empty
// until something is chosen, and gives that text a textbox role with no name at all.
function nameAutocompletes(root) {
  root.querySelectorAll("select.admin-autocomplete").forEach((select) => {
    const container = select.nextElementSibling;
    const combobox = container && container.querySelector(".select2-selection");
    if (!combobox) return;
    combobox.removeAttribute("aria-labelledby");
    combobox.setAttribute("aria-label", fieldName(select));
    const rendered = combobox.querySelector(".select2-selection__rendered");
    if (rendered) {
      rendered.removeAttribute("role");
      rendered.removeAttribute("aria-readonly");
    }
  });
}

// The two-box selector's magnifier icons carry an aria-label on a plain span, where ARIA does
// not allow one: make them images, which may have a name.
function nameFilterIcons(root) {
  root.querySelectorAll(".selector .help-tooltip[aria-label]").forEach((icon) => icon.setAttribute("role", "img"));
}

// Admin builds the selector on load and select2 in a jQuery ready handler (which may run after the
// load event); these handlers are registered after admin's, so they run after them. select2 is
// built again for each inline row added.
window.addEventListener("load", () => nameFilterIcons(document));
if (window.django && window.django.jQuery) {
  window.django.jQuery(() => nameAutocompletes(document));
}
document.addEventListener("formset:added", (event) => nameAutocompletes(event.target));
