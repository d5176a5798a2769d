// Case notes are written fast: Ctrl+Enter (⌘+Enter) in the note text submits the note form.
document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target instanceof HTMLTextAreaElement) {
    const form = target.closest("#note-form");
    if (form) {
      event.preventDefault();
      form.requestSubmit();
    }
  }
});

// 定型文: <button data-note-template="…"> adds the phrase to the note text and puts the cursor after it.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-note-template]");
  if (!button) return;
  const body = button.closest("form").querySelector("textarea[name=body]");
  const phrase = button.getAttribute("data-note-template");
  body.value = body.value ? `${body.value}\n${phrase}` : phrase;
  body.focus();
  body.setSelectionRange(body.value.length, body.value.length);
});
