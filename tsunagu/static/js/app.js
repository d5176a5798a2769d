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

// A row pasted from Excel (cells separated by tabs) into a field marked <input data-paste-row="name kana …"> — the
// names of the form's fields in the row's order. The paste goes in as typed; a box beside it offers to split the
// row into those fields, showing where each cell would go. Without this script nothing changes.
function fieldLabel(field) {
  const label = field.id ? document.querySelector(`label[for="${field.id}"]`) : null;
  return label ? label.textContent.trim() : field.name;
}

function fillField(field, cell) {
  if (field instanceof HTMLSelectElement) {
    const wanted = cell.toLowerCase();
    const option = Array.from(field.options).find((o) => o.value && (o.value.toLowerCase() === wanted
      || o.textContent.trim() === cell || o.textContent.trim().startsWith(cell) || cell.startsWith(o.textContent.trim())));
    if (!option) return;
    field.value = option.value;
  } else {
    field.value = cell;
  }
  field.dispatchEvent(new Event("input", { bubbles: true }));
  field.dispatchEvent(new Event("change", { bubbles: true }));
}

function offerSplit(input, cells) {
  const names = input.getAttribute("data-paste-row").split(/\s+/);
  const pairs = names.map((name, i) => [input.form.elements.namedItem(name), (cells[i] || "").trim()])
    .filter(([field, cell]) => field && cell);
  input.closest("form").querySelectorAll(".paste-offer").forEach((old) => old.remove());
  if (pairs.length < 2) return;
  const box = document.createElement("div");
  box.className = "alert paste-offer";
  const text = document.createElement("p");
  text.setAttribute("role", "status");
  text.textContent = "貼り付けた行を項目に分けますか？ " + pairs.map(([field, cell]) => `${fieldLabel(field)}: ${cell}`).join(" ／ ");
  const split = document.createElement("button");
  split.type = "button";
  split.className = "button button--small button--primary";
  split.textContent = "項目に分ける";
  const keep = document.createElement("button");
  keep.type = "button";
  keep.className = "button button--small";
  keep.textContent = "このまま";
  split.addEventListener("click", () => {
    pairs.forEach(([field, cell]) => fillField(field, cell));
    box.remove();
    input.focus();
  });
  keep.addEventListener("click", () => {
    box.remove();
    input.focus();
  });
  box.append(text, split, " ", keep);
  input.parentElement.append(box);
}

document.addEventListener("paste", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.hasAttribute("data-paste-row") || !event.clipboardData) return;
  const row = event.clipboardData.getData("text/plain").split(/\r?\n/)[0];
  if (row.includes("\t")) {
    offerSplit(input, row.split("\t"));
  }
});
