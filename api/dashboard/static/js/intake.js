// The Intake view: an editor pastes an article (or names a stored source), reads the candidates the API
// finds in it, edits them and confirms the chosen ones. The editor's key lives only in this module's
// memory (the password field): never in the URL, storage or a cookie.

import { ApiError, apiUrl, getAll, postJSON } from "./api.js";
import { clear, h, uid } from "./dom.js";
import { EVIDENCE_KIND, formatDate, todayIso } from "./format.js";
import { renderError } from "./render.js";

const $ = (selector, root = document) => root.querySelector(selector);

/** The position choices of a stance: an ordinal position, or none with the reason why. */
const POSITION_CHOICES = [
  { value: "2", text: "Strongly support (+2)" },
  { value: "1", text: "Support (+1)" },
  { value: "0", text: "Neutral (0)" },
  { value: "-1", text: "Oppose (−1)" },
  { value: "-2", text: "Strongly oppose (−2)" },
  { value: "mixed", text: "Mixed (no position)" },
  { value: "unclear", text: "Unclear (no position)" },
];

const SOURCE_KINDS = [
  ["news_article", "News article"],
  ["news_analysis", "News analysis"],
  ["press_conference", "Press conference"],
  ["statement", "Statement"],
  ["social_media_post", "Social media post"],
  ["parliamentary_statement", "Parliamentary statement"],
];

/** "Home Office backs hubs" -> "home-office-backs-hubs" (the API's slug alphabet; at most `max` characters). */
export function slugify(text, max = 80) {
  const slug = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug.slice(0, max).replace(/-+$/, "");
}

/** The text split at every candidate boundary, each piece with the candidates covering it. The API's
 *  offsets count Unicode code points, so the text is sliced as code points, not UTF-16 units. */
export function segments(text, candidates) {
  const points = Array.from(text);
  const cuts = new Set([0, points.length]);
  for (const c of candidates) {
    cuts.add(c.char_start);
    cuts.add(c.char_end);
  }
  const sorted = [...cuts].filter((n) => n >= 0 && n <= points.length).sort((a, b) => a - b);
  const pieces = [];
  for (let i = 0; i < sorted.length - 1; i += 1) {
    const [start, end] = [sorted[i], sorted[i + 1]];
    const covering = candidates
      .map((c, index) => ({ c, index }))
      .filter(({ c }) => c.char_start <= start && end <= c.char_end)
      .sort((a, b) => a.c.char_end - a.c.char_start - (b.c.char_end - b.c.char_start));
    pieces.push({ text: points.slice(start, end).join(""), covering: covering.map(({ index }) => index) });
  }
  return pieces;
}

function field(label, control, hint) {
  const id = control.id || uid("intake-field");
  control.id = id;
  return h("div", { class: "field" }, h("label", { for: id }, label), control, hint ? h("p", { class: "hint" }, hint) : null);
}

function select(options, value) {
  const node = h("select", {});
  for (const [optionValue, text] of options) node.append(h("option", { value: optionValue }, text));
  node.value = value ?? "";
  return node;
}

export class IntakeView {
  constructor(panel) {
    this.panel = panel;
    this.form = $("#form-intake", panel);
    this.output = $("#intake-output", panel);
    this.status = $("#intake-status", panel);
    this.key = $("#intake-key", panel);
    this.reading = null; // the last intake answer, with the request's source metadata
    this.cards = [];
    this.policies = null;
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.read();
    });
  }

  async loadPolicies() {
    if (!this.policies) {
      this.policies = getAll("policies").then((items) => [...items].sort((a, b) => a.title.localeCompare(b.title)));
    }
    return this.policies;
  }

  formError(message) {
    const box = $(".form-error", this.form);
    box.hidden = !message;
    box.textContent = message || "";
    return !message;
  }

  request() {
    const text = $("#intake-text", this.form).value;
    const source = $("#intake-source", this.form).value.trim();
    const body = {};
    if (text.trim()) body.text = text;
    if (source) body.source = source;
    for (const name of ["title", "publisher", "url"]) {
      const value = $(`#intake-${name}`, this.form).value.trim();
      if (value) body[name] = value;
    }
    const day = $("#intake-published-on", this.form).value;
    if (day) body.published_on = day;
    return body;
  }

  async read() {
    if (!this.key.value.trim()) {
      this.formError("Enter an editor key: reading an article is an editor's operation.");
      this.key.focus();
      return;
    }
    const body = this.request();
    if (!body.text && !body.source) {
      this.formError("Paste the article's text, or give the slug of a stored source.");
      $("#intake-text", this.form).focus();
      return;
    }
    this.formError("");
    clear(this.output).append(h("div", { class: "loading" }, h("span", { class: "spinner", "aria-hidden": "true" }), "Reading the article…"));
    this.status.textContent = "Reading the article…";
    try {
      const [result, policies] = await Promise.all([
        postJSON(apiUrl("intake"), body, { key: this.key.value.trim() }),
        this.loadPolicies(),
      ]);
      this.reading = { result, request: body };
      this.render(result, policies);
      this.status.textContent = `${result.candidates.length} candidates found.`;
    } catch (error) {
      this.showError(error);
    }
  }

  showError(error) {
    const shown = error instanceof ApiError ? error : new ApiError("Something went wrong", error.message);
    clear(this.output).append(renderError(shown));
    this.status.textContent = `Error: ${shown.title}. ${shown.detail || ""}`;
  }

  // ---- the candidates ---------------------------------------------------------------------------

  render(result, policies) {
    const known = new Map();
    for (const mentioned of result.actors_mentioned) if (mentioned.actor) known.set(mentioned.actor, mentioned.name);
    for (const c of result.candidates) if (c.speaker.actor) known.set(c.speaker.actor, c.speaker.name);
    const actorList = h("datalist", { id: "intake-actors" }, ...[...known].map(([slug, name]) => h("option", { value: slug }, name)));
    this.cards = result.candidates.map((candidate, index) => this.card(candidate, index, policies));
    const list = h("ol", { class: "intake-candidates", "aria-label": "Candidates" }, ...this.cards.map((card) => card.node));
    clear(this.output).append(
      h("h2", { id: "intake-heading" }, `${result.candidates.length} candidates, read as of ${formatDate(result.published_on)}`),
      h("p", { class: "hint" }, result.method),
      actorList,
      h(
        "div",
        { class: "intake-columns" },
        h("div", { class: "intake-article", "aria-label": "The article with its candidates highlighted", role: "region" }, this.highlighted(result)),
        h("div", { class: "intake-list" }, list, this.confirmForm(result)),
      ),
      h("div", { id: "intake-result", "aria-live": "polite" }),
    );
  }

  highlighted(result) {
    const text = h("div", { class: "article-text" });
    for (const piece of segments(result.text, result.candidates)) {
      if (!piece.covering.length) {
        text.append(piece.text);
        continue;
      }
      const inner = result.candidates[piece.covering[0]];
      const numbers = piece.covering.map((i) => i + 1).sort((a, b) => a - b);
      text.append(
        h(
          "mark",
          {
            class: ["candidate-span", `kind-${inner.kind}`],
            dataset: { candidates: numbers.join(" ") },
            title: numbers.map((n) => `Candidate ${n}`).join(", "),
            onclick: () => this.cards[piece.covering[0]].focus(),
          },
          piece.text,
        ),
      );
    }
    return text;
  }

  card(candidate, index, policies) {
    const number = index + 1;
    const id = `candidate-${number}`;
    const accept = h("input", { type: "checkbox", id: `${id}-accept` });
    const speaker = h("input", {
      type: "text",
      id: `${id}-speaker`,
      list: "intake-actors",
      value: candidate.speaker.actor || (candidate.speaker.name ? slugify(candidate.speaker.name) : ""),
      autocomplete: "off",
      spellcheck: "false",
    });
    const newActor = h("input", { type: "checkbox", id: `${id}-new-actor` });
    const newActorRow =
      !candidate.speaker.actor && candidate.speaker.name
        ? h(
            "div",
            { class: "field checkbox" },
            newActor,
            h("label", { for: newActor.id }, `Create “${candidate.speaker.name}” as a new person (needs an admin key)`),
          )
        : null;
    const actor = h("input", { type: "text", id: `${id}-actor`, list: "intake-actors", autocomplete: "off", spellcheck: "false" });
    const policy = select([["", "Choose a policy…"], ...policies.map((p) => [p.slug, p.title])], candidate.policy);
    policy.id = `${id}-policy`;
    const position = select(
      POSITION_CHOICES.map((choice) => [choice.value, choice.text]),
      candidate.position === null ? "unclear" : String(candidate.position),
    );
    position.id = `${id}-position`;
    const summary = h("textarea", { id: `${id}-summary`, rows: 2, maxlength: 1000 });
    const cite = [
      candidate.speaker.name ? `${candidate.speaker.name}` : "No speaker found",
      candidate.cue ? ` · ${candidate.cue}` : "",
    ].join("");
    const node = h(
      "li",
      { class: ["intake-candidate", `kind-${candidate.kind}`], id, tabindex: "-1", "aria-labelledby": `${id}-title` },
      h(
        "div",
        { class: "candidate-head" },
        accept,
        h("label", { for: accept.id, id: `${id}-title` }, `Accept candidate ${number}: ${EVIDENCE_KIND[candidate.kind] || candidate.kind}`),
      ),
      h(
        "blockquote",
        { class: candidate.kind === "direct_quote" ? "quote" : "paraphrase" },
        candidate.kind === "direct_quote" ? `“${candidate.text}”` : candidate.text,
      ),
      h("p", { class: "cite" }, cite, candidate.speaker.reason ? h("span", { class: "hint" }, ` — ${candidate.speaker.reason}`) : null),
      candidate.duplicate_of
        ? h("p", { class: "duplicate" }, "Already stored as evidence ", h("code", {}, candidate.duplicate_of), ": confirming links to it.")
        : null,
      h(
        "div",
        { class: "candidate-fields" },
        field("Speaker (actor slug)", speaker),
        newActorRow,
        field("Stance of (if not the speaker)", actor, "e.g. the office a spokesperson speaks for"),
        field("Policy", policy, candidate.policy ? `Suggested: ${candidate.reason}` : candidate.reason),
        field("Position", position),
        field("Summary of the stance", summary),
      ),
    );
    return {
      node,
      candidate,
      focus: () => {
        node.scrollIntoView({ block: "nearest" });
        node.focus();
      },
      accepted: () => accept.checked,
      edits: () => ({
        speaker: speaker.value.trim(),
        newActor: newActor.checked ? { slug: speaker.value.trim(), name: candidate.speaker.name, kind: "person" } : null,
        actor: actor.value.trim(),
        policy: policy.value,
        position: position.value,
        summary: summary.value.trim(),
      }),
    };
  }

  // ---- confirming -------------------------------------------------------------------------------

  confirmForm(result) {
    const request = this.reading.request;
    const stored = Boolean(request.source && !request.text);
    const day = result.published_on || todayIso();
    const title = h("input", { type: "text", id: "confirm-title", value: request.title || "", maxlength: 500 });
    const slug = h("input", {
      type: "text",
      id: "confirm-slug",
      value: request.title ? `${slugify(request.title, 60)}-${day}` : "",
      spellcheck: "false",
    });
    title.addEventListener("input", () => {
      if (!slug.dataset.edited) slug.value = title.value ? `${slugify(title.value, 60)}-${day}` : "";
    });
    slug.addEventListener("input", () => {
      slug.dataset.edited = "1";
    });
    const kind = select(SOURCE_KINDS, "news_article");
    kind.id = "confirm-kind";
    const form = h(
      "form",
      { id: "form-confirm", class: "confirm", novalidate: true },
      h("h3", {}, stored ? `Confirm into the stored source ${request.source}` : "The new source"),
      stored
        ? null
        : h(
            "div",
            { class: "controls" },
            field("Title", title),
            field("Source slug", slug),
            field("Kind", kind),
            h("p", { class: "hint" }, `Publisher, URL and date from the form above; the source's text is the article as read${request.published_on ? "" : ", dated " + formatDate(day)}.`),
          ),
      h("p", { class: "form-error", role: "alert", hidden: true }),
      h("button", { type: "submit" }, "Confirm the accepted candidates"),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.confirm(form, { stored, title: title.value.trim(), slug: slug.value.trim(), kind: kind.value, day });
    });
    return form;
  }

  confirmation(meta) {
    const request = this.reading.request;
    const result = this.reading.result;
    const body = { candidates: [], actors: [] };
    if (meta.stored) {
      body.source_slug = request.source;
    } else {
      body.source = {
        slug: meta.slug,
        kind: meta.kind,
        title: meta.title,
        publisher: request.publisher || null,
        url: request.url || null,
        published_on: request.published_on || null,
        text: result.text,
      };
    }
    for (const card of this.cards) {
      if (!card.accepted()) continue;
      const edits = card.edits();
      const { candidate } = card;
      const ordinal = /^-?\d$/.test(edits.position);
      const item = {
        kind: candidate.kind,
        text: candidate.text,
        char_start: candidate.char_start,
        char_end: candidate.char_end,
        speaker: edits.speaker || null,
        policy: edits.policy,
        position: ordinal ? Number(edits.position) : null,
        summary: edits.summary,
      };
      if (!ordinal) item.ambiguity = edits.position;
      if (edits.actor) item.actor = edits.actor;
      if (candidate.duplicate_of) item.duplicate_of = candidate.duplicate_of;
      if (edits.newActor && edits.newActor.slug) body.actors.push(edits.newActor);
      body.candidates.push({ item, number: this.cards.indexOf(card) + 1 });
    }
    return body;
  }

  /** What is missing before the API is asked, as messages naming the candidates. */
  missing(meta, body) {
    const problems = [];
    if (!body.candidates.length) problems.push("Accept at least one candidate (tick its box).");
    if (!meta.stored && !meta.title) problems.push("Give the new source a title.");
    if (!meta.stored && !meta.slug) problems.push("Give the new source a slug.");
    for (const { item, number } of body.candidates) {
      if (!item.speaker && !item.actor) problems.push(`Candidate ${number}: whose stance is it? Give a speaker.`);
      if (!item.policy) problems.push(`Candidate ${number}: choose a policy.`);
      if (!item.summary) problems.push(`Candidate ${number}: write a summary of the stance.`);
    }
    return problems;
  }

  async confirm(form, meta) {
    const error = $(".form-error", form);
    const target = $("#intake-result", this.output);
    const built = this.confirmation(meta);
    const problems = this.missing(meta, built);
    if (problems.length) {
      error.hidden = false;
      error.textContent = problems.join(" ");
      return;
    }
    error.hidden = true;
    const numbers = built.candidates.map(({ number }) => number);
    const body = { ...built, candidates: built.candidates.map(({ item }) => item) };
    if (!body.actors.length) delete body.actors;
    clear(target).append(h("p", { class: "loading" }, "Storing…"));
    try {
      const stored = await postJSON(apiUrl("intake/confirm"), body, { key: this.key.value.trim() });
      clear(target).append(this.confirmed(stored, numbers));
      this.status.textContent = `Stored ${stored.stances_created.length} new stances.`;
    } catch (failure) {
      const shown = failure instanceof ApiError ? failure : new ApiError("Something went wrong", failure.message);
      // Field errors name candidates by their index in the request: say which card that is.
      const errors = (shown.errors || []).map((e) => ({
        ...e,
        name: (e.name || "").replace(/^candidates\[(\d+)\]/, (_, i) => `candidate ${numbers[Number(i)] ?? Number(i) + 1}`),
      }));
      clear(target).append(renderError(new ApiError(shown.title, shown.detail, shown.status, errors)));
      this.status.textContent = `Error: ${shown.title}. ${shown.detail || ""}`;
    }
  }

  confirmed(stored, numbers) {
    const stanceLink = (slug) => h("a", { href: apiUrl(`stances/${encodeURIComponent(slug)}`), class: "stance-link" }, slug);
    return h(
      "section",
      { class: "intake-confirmed", "aria-labelledby": "intake-confirmed-heading" },
      h("h3", { id: "intake-confirmed-heading" }, "Stored"),
      h("p", {}, stored.source_created ? "New source " : "Source ", h("code", {}, stored.source)),
      stored.actors_created.length ? h("p", {}, "New actors: ", stored.actors_created.join(", ")) : null,
      h(
        "ul",
        { class: "confirmed-list" },
        ...stored.evidence.map((item) =>
          h(
            "li",
            { dataset: { stance: item.stance } },
            `Candidate ${numbers[item.candidate] ?? item.candidate + 1}: ${item.action === "linked" ? "linked to" : "stored as"} `,
            h("code", {}, item.evidence),
            " in stance ",
            stanceLink(item.stance),
            stored.stances_created.includes(item.stance) ? " (new)" : "",
          ),
        ),
      ),
    );
  }
}

