// Choosing actors by name: a combobox over GET /v1/actors?q= with the chosen ones shown as removable chips.
//
// Keyboard: type to search, Down/Up to move through the matches, Enter to choose, Escape to close,
// Backspace in an empty box removes the last choice. Each chip's remove button is a real <button>.

import { searchActors } from "./api.js";
import { clear, h } from "./dom.js";

const KIND_WORDS = {
  person: "person",
  office: "office",
  government: "government",
  party: "party",
  organisation: "organisation",
  anonymous_source: "anonymous source",
};

export class ActorPicker {
  /**
   * root: an element holding an <input role=combobox>, a <ul role=listbox> and a <ul class=chips>.
   * max: how many actors may be chosen (1 replaces the choice).
   */
  constructor(root, { max = 10, onChange = () => {} } = {}) {
    this.root = root;
    this.max = max;
    this.onChange = onChange;
    this.input = root.querySelector("[role=combobox]");
    this.listbox = root.querySelector("[role=listbox]");
    this.chips = root.querySelector(".chips");
    this.status = root.querySelector(".picker-status");
    this.selected = [];
    this.unknown = new Set();
    this.options = [];
    this.active = -1;
    this.timer = null;
    this.controller = null;
    this.input.addEventListener("input", () => this.schedule());
    this.input.addEventListener("keydown", (event) => this.keydown(event));
    this.input.addEventListener("blur", () => setTimeout(() => this.close(), 150));
    this.input.addEventListener("focus", () => {
      if (this.input.value.trim()) this.schedule();
    });
  }

  /** [{slug, name}] */
  set(actors) {
    this.selected = actors.slice(0, this.max).map((a) => ({ slug: a.slug, name: a.name || a.slug }));
    this.unknown = new Set();
    this.renderChips();
  }

  /** Fill in names once the API has told us them (a permalink carries only slugs). */
  name(names) {
    let changed = false;
    for (const actor of this.selected) {
      if (names[actor.slug] && names[actor.slug] !== actor.name) {
        actor.name = names[actor.slug];
        changed = true;
      }
    }
    if (changed) this.renderChips();
  }

  /** Flag chosen actors the API did not recognise (from a problem's `errors`). */
  markUnknown(slugs) {
    this.unknown = new Set(slugs);
    this.renderChips();
  }

  slugs() {
    return this.selected.map((a) => a.slug);
  }

  add(actor) {
    if (this.selected.some((a) => a.slug === actor.slug)) return;
    if (this.max === 1) this.selected = [];
    if (this.selected.length >= this.max) {
      this.say(`At most ${this.max} actors can be compared.`);
      return;
    }
    this.selected.push({ slug: actor.slug, name: actor.name });
    this.renderChips();
    this.say(`${actor.name} added.`);
    this.onChange(this.selected);
  }

  remove(slug) {
    const actor = this.selected.find((a) => a.slug === slug);
    this.selected = this.selected.filter((a) => a.slug !== slug);
    this.renderChips();
    if (actor) this.say(`${actor.name} removed.`);
    this.onChange(this.selected);
    this.input.focus();
  }

  say(text) {
    if (this.status) this.status.textContent = text;
  }

  renderChips() {
    clear(this.chips);
    this.chips.hidden = this.selected.length === 0;
    for (const actor of this.selected) {
      const unknown = this.unknown.has(actor.slug);
      this.chips.append(
        h(
          "li",
          { class: ["chip", unknown ? "unknown" : ""], dataset: { slug: actor.slug } },
          h("span", { class: "chip-name" }, actor.name),
          unknown ? h("span", { class: "chip-note" }, "unknown") : null,
          h(
            "button",
            { type: "button", class: "chip-remove", "aria-label": `Remove ${actor.name}`, onclick: () => this.remove(actor.slug) },
            "×",
          ),
        ),
      );
    }
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.search(), 180);
  }

  async search() {
    const q = this.input.value.trim();
    if (this.controller) this.controller.abort();
    if (!q) {
      this.close();
      return;
    }
    this.controller = new AbortController();
    this.showMessage("Searching…");
    try {
      const found = await searchActors(q, { signal: this.controller.signal });
      const chosen = new Set(this.slugs());
      this.options = found.filter((actor) => !chosen.has(actor.slug));
      this.active = this.options.length ? 0 : -1;
      if (!this.options.length) this.showMessage(found.length ? `Already chosen: every match for “${q}”.` : `No actor matches “${q}”.`);
      else this.renderOptions();
    } catch (error) {
      if (error.name === "AbortError") return;
      this.showMessage(`Search failed: ${error.detail || error.message}`);
    }
  }

  showMessage(text) {
    this.options = [];
    this.active = -1;
    clear(this.listbox);
    this.listbox.append(h("li", { class: "picker-message", role: "option", "aria-disabled": "true", "aria-selected": "false" }, text));
    this.open();
    this.say(text);
  }

  renderOptions() {
    clear(this.listbox);
    this.options.forEach((actor, index) => {
      this.listbox.append(
        h(
          "li",
          {
            id: `${this.listbox.id}-${index}`,
            role: "option",
            class: ["picker-option", index === this.active ? "active" : ""],
            "aria-selected": index === this.active ? "true" : "false",
            dataset: { slug: actor.slug },
            onmousedown: (event) => event.preventDefault(),
            onclick: () => this.choose(index),
          },
          h("span", { class: "option-name" }, actor.name),
          h("span", { class: "option-kind" }, [KIND_WORDS[actor.kind] || actor.kind, actor.country].filter(Boolean).join(" · ")),
        ),
      );
    });
    this.open();
    this.input.setAttribute("aria-activedescendant", this.active >= 0 ? `${this.listbox.id}-${this.active}` : "");
    this.say(`${this.options.length} ${this.options.length === 1 ? "match" : "matches"}; use the arrow keys and Enter to choose.`);
  }

  open() {
    this.listbox.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  }

  close() {
    this.listbox.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }

  choose(index) {
    const actor = this.options[index];
    if (!actor) return;
    this.add(actor);
    this.input.value = "";
    this.options = [];
    this.close();
    this.input.focus();
  }

  move(delta) {
    if (!this.options.length) return;
    this.active = (this.active + delta + this.options.length) % this.options.length;
    this.renderOptions();
    const node = this.listbox.querySelector(".active");
    if (node) node.scrollIntoView({ block: "nearest" });
  }

  keydown(event) {
    const isOpen = !this.listbox.hidden;
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!isOpen) this.schedule();
        else this.move(1);
        break;
      case "ArrowUp":
        event.preventDefault();
        this.move(-1);
        break;
      case "Enter":
        // Enter chooses a match; with nothing to choose it submits the form as usual.
        if (isOpen && this.active >= 0) {
          event.preventDefault();
          this.choose(this.active);
        } else if (this.input.value.trim()) {
          event.preventDefault();
          this.search();
        }
        break;
      case "Escape":
        if (isOpen) {
          event.preventDefault();
          this.close();
        }
        break;
      case "Backspace":
        if (!this.input.value && this.selected.length) this.remove(this.selected.at(-1).slug);
        break;
      default:
    }
  }
}
