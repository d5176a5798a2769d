// Small, page-independent behaviour. No inline handlers anywhere: the CSP forbids them.
document.documentElement.classList.add("js");

document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit")) {
    target.form.requestSubmit();
  }
});

// Confirm before a destructive-looking action: <button data-confirm="…">.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});

// Print buttons: <button data-print>.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// Date inputs (core.dates.DateInput): the server reads what is typed (R8.2.3, 令和8年2月3日, 2026-02-03 …), so the
// form works without this. With it, a button beside each opens the browser's own date picker and writes the chosen
// date back as text, in the user's style (<body data-date-style>): 和暦 as R8.2.3, 西暦 as 2026-02-03.
const warekiParts = new Intl.DateTimeFormat("ja-JP-u-ca-japanese", {
  era: "narrow", year: "numeric", month: "numeric", day: "numeric", timeZone: "UTC",
});

function dateAsText(iso) {
  if (document.body.dataset.dateStyle === "seireki") {
    return iso;
  }
  const parts = Object.fromEntries(warekiParts.formatToParts(new Date(`${iso}T00:00:00Z`)).map((p) => [p.type, p.value]));
  return parts.era ? `${parts.era}${parts.year}.${parts.month}.${parts.day}` : iso;
}

function addDatePicker(input) {
  const holder = document.createElement("span");
  holder.className = "date-picker";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "button button--small date-picker__button";
  button.textContent = "カレンダー";
  button.title = "カレンダーから選ぶ";
  const native = document.createElement("input");
  native.type = "date";
  native.className = "date-picker__native";
  native.tabIndex = -1;
  native.setAttribute("aria-hidden", "true");
  native.setAttribute("aria-label", "日付");
  native.addEventListener("change", () => {
    if (native.value) {
      input.value = dateAsText(native.value);
      input.dispatchEvent(new Event("change", { bubbles: true }));
      input.focus();
    }
  });
  button.addEventListener("click", () => {
    if (/^\d{4}-\d{2}-\d{2}$/.test(input.value.trim())) {
      native.value = input.value.trim();
    }
    if (typeof native.showPicker === "function") {
      native.showPicker();
    } else {
      native.focus();
      native.click();
    }
  });
  holder.append(button, native);
  input.after(holder);
}

function addDatePickers(root) {
  root.querySelectorAll("input[data-date-picker]:not([data-date-picker-ready])").forEach((input) => {
    input.setAttribute("data-date-picker-ready", "");
    addDatePicker(input);
  });
}

document.addEventListener("DOMContentLoaded", () => addDatePickers(document));
document.addEventListener("htmx:load", (event) => addDatePickers(event.target));
