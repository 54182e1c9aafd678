// The newsroom dashboard: three views over the public read API, with the view's state in the URL, and the
// editors' Intake view (intake.js), whose state stays in the page.

import {
  ApiError,
  INTAKE_VIEW,
  apiUrl,
  embedUrl,
  getAll,
  getJSON,
  isComplete,
  isDate,
  parseState,
  permalink,
  requests,
  stateQuery,
} from "./api.js";
import { clear, h } from "./dom.js";
import { formatDate, todayIso } from "./format.js";
import { IntakeView } from "./intake.js";
import { ActorPicker } from "./picker.js";
import {
  describeState,
  renderAlignment,
  renderCompareActors,
  renderCompareDates,
  renderError,
  renderParties,
  renderTimeline,
} from "./render.js";

const $ = (selector, root = document) => root.querySelector(selector);

const els = {
  results: $("#results"),
  heading: $("#results-heading"),
  share: $("#share"),
  output: $("#output"),
  status: $("#live-status"),
  tabs: [...document.querySelectorAll(".tabs a[data-view]")],
  panels: [...document.querySelectorAll(".panel[data-view]")],
  forms: {
    "compare-actors": $("#form-compare-actors"),
    "compare-dates": $("#form-compare-dates"),
    timeline: $("#form-timeline"),
    alignment: $("#form-alignment"),
    parties: $("#form-parties"),
  },
};

const lookups = { topics: {}, policies: {}, actors: {} };
const pickers = {
  "compare-actors": new ActorPicker($("#picker-actors"), { max: 10 }),
  "compare-dates": new ActorPicker($("#picker-actor"), { max: 1 }),
  alignment: new ActorPicker($("#picker-alignment"), { max: 1 }),
};

new IntakeView($('.panel[data-view="intake"]')); // wires its own forms; its state stays in the page

let current = null;

/** The parties to choose from: one checkbox per party actor. */
const partiesReady = getAll("actors", { kind: "party" })
  .then((parties) => {
    const list = $("#parties-list");
    clear(list);
    for (const party of parties) {
      const id = `party-${party.slug}`;
      list.append(h("li", {}, h("input", { type: "checkbox", id, value: party.slug }), " ", h("label", { for: id }, party.name)));
    }
  })
  .catch((error) => {
    clear($("#parties-list")).append(h("li", { class: "error" }, `Could not load the parties: ${error.detail || error.message}`));
  });

function checkedParties() {
  return [...document.querySelectorAll("#parties-list input:checked")].map((box) => box.value);
}
let controller = null;
let lookupsReady = Promise.resolve();

// ---- lookups for the form controls ---------------------------------------------------------------

function fillSelect(select, items, { placeholder, value }) {
  const keep = value ?? select.value;
  clear(select);
  select.append(h("option", { value: "" }, placeholder));
  for (const item of items) select.append(h("option", { value: item.value }, item.text));
  if (keep && !items.some((item) => item.value === keep)) {
    // A permalink may name something the list lacks; keep it so the API can say what is wrong.
    select.append(h("option", { value: keep }, keep));
  }
  select.value = keep || "";
}

function lookupFailed(select, what, error) {
  const keep = select.value;
  clear(select);
  select.append(h("option", { value: "" }, `Could not load ${what}: ${error.detail || error.message}`));
  if (keep) select.append(h("option", { value: keep }, keep));
  select.value = keep;
}

async function loadLookups() {
  const topicSelects = [$("#ca-topic"), $("#cd-topic")];
  const policySelect = $("#tl-policy");
  const topics = getJSON(apiUrl("topics"))
    .then((body) => {
      for (const topic of body.items) lookups.topics[topic.slug] = topic.name;
      const items = body.items.map((topic) => ({ value: topic.slug, text: topic.name }));
      for (const select of topicSelects) fillSelect(select, items, { placeholder: "All topics" });
    })
    .catch((error) => topicSelects.forEach((select) => lookupFailed(select, "topics", error)));
  const policies = getAll("policies")
    .then((items) => {
      for (const policy of items) lookups.policies[policy.slug] = policy.title;
      const sorted = [...items].sort((a, b) => a.title.localeCompare(b.title));
      fillSelect(policySelect, sorted.map((p) => ({ value: p.slug, text: p.title })), { placeholder: "Choose a policy…" });
    })
    .catch((error) => lookupFailed(policySelect, "policies", error));
  await Promise.all([topics, policies]);
}

// ---- state <-> forms -----------------------------------------------------------------------------

function setSelectValue(select, value) {
  if (value && ![...select.options].some((option) => option.value === value)) {
    select.append(h("option", { value }, value));
  }
  select.value = value || "";
}

/** Names for actors a permalink names only by slug (shown on the chips even if the view fails). */
function fetchActorNames(slugs) {
  for (const slug of slugs) {
    if (!slug || lookups.actors[slug]) continue;
    getJSON(apiUrl(`actors/${encodeURIComponent(slug)}`))
      .then((actor) => {
        lookups.actors[actor.slug] = actor.name;
        for (const picker of Object.values(pickers)) picker.name(lookups.actors);
      })
      .catch(() => {}); // an unknown actor is reported by the view itself
  }
}

function stateToForm(state) {
  fetchActorNames(state.view === "compare-actors" ? state.actors : state.actor ? [state.actor] : []);
  if (state.view === "compare-actors") {
    pickers["compare-actors"].set(state.actors.map((slug) => ({ slug, name: lookups.actors[slug] })));
    $("#ca-as-of").value = state.as_of || $("#ca-as-of").value || todayIso();
    setSelectValue($("#ca-topic"), state.topic);
    $("#ca-holder").checked = Boolean(state.holder);
  } else if (state.view === "compare-dates") {
    pickers["compare-dates"].set(state.actor ? [{ slug: state.actor, name: lookups.actors[state.actor] }] : []);
    if (state.from) $("#cd-from").value = state.from;
    $("#cd-to").value = state.to || $("#cd-to").value || todayIso();
    setSelectValue($("#cd-topic"), state.topic);
  } else if (state.view === "parties") {
    partiesReady.then(() => {
      for (const box of document.querySelectorAll("#parties-list input")) box.checked = state.parties.includes(box.value);
    });
    $("#pa-as-of").value = state.as_of || $("#pa-as-of").value || todayIso();
  } else if (state.view === "alignment") {
    pickers.alignment.set(state.actor ? [{ slug: state.actor, name: lookups.actors[state.actor] }] : []);
    $("#al-as-of").value = state.as_of || $("#al-as-of").value || todayIso();
    $("#al-kind").value = state.kind || "";
    $("#al-min-shared").value = state.min_shared || "2";
  } else {
    setSelectValue($("#tl-policy"), state.policy);
    $("#tl-as-of").value = state.as_of || "";
    $("#tl-retracted").checked = Boolean(state.retracted);
    $("#tl-family").checked = Boolean(state.family);
  }
}

/** Once the options are in, show the values a permalink names; a choice the reader made meanwhile stays. */
function syncSelects(state) {
  if (state.view === "compare-actors" && state.topic) setSelectValue($("#ca-topic"), state.topic);
  else if (state.view === "compare-dates" && state.topic) setSelectValue($("#cd-topic"), state.topic);
  else if (state.view === "timeline" && state.policy) setSelectValue($("#tl-policy"), state.policy);
}

function formError(form, message, field) {
  const box = $(".form-error", form);
  for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  if (!message) {
    box.hidden = true;
    box.textContent = "";
    return true;
  }
  box.hidden = false;
  box.textContent = message;
  if (field) {
    field.setAttribute("aria-invalid", "true");
    field.focus();
  }
  return false;
}

function formToState(view) {
  const form = els.forms[view];
  if (view === "compare-actors") {
    const actors = pickers[view].slugs();
    const asOf = $("#ca-as-of").value;
    if (actors.length < 2) return formError(form, "Choose at least two actors to compare.", $("#actors-input")) && null;
    if (!isDate(asOf)) return formError(form, "Enter the date to compare as of.", $("#ca-as-of")) && null;
    formError(form, "");
    return { view, actors, as_of: asOf, topic: $("#ca-topic").value, holder: $("#ca-holder").checked };
  }
  if (view === "compare-dates") {
    const [actor] = pickers[view].slugs();
    const from = $("#cd-from").value;
    const to = $("#cd-to").value;
    if (!actor) return formError(form, "Choose an actor.", $("#actor-input")) && null;
    if (!isDate(from)) return formError(form, "Enter the earlier date.", $("#cd-from")) && null;
    if (!isDate(to)) return formError(form, "Enter the later date.", $("#cd-to")) && null;
    if (from > to) return formError(form, "The first date must not be after the second.", $("#cd-from")) && null;
    formError(form, "");
    return { view, actor, from, to, topic: $("#cd-topic").value };
  }
  if (view === "parties") {
    const parties = checkedParties();
    const asOf = $("#pa-as-of").value;
    if (parties.length < 2) return formError(form, "Choose at least two parties.", $("#parties-list input")) && null;
    if (!isDate(asOf)) return formError(form, "Enter the date to compare as of.", $("#pa-as-of")) && null;
    formError(form, "");
    return { view, parties, as_of: asOf };
  }
  if (view === "alignment") {
    const [actor] = pickers[view].slugs();
    const asOf = $("#al-as-of").value;
    if (!actor) return formError(form, "Choose an actor.", $("#alignment-input")) && null;
    if (!isDate(asOf)) return formError(form, "Enter the date to compare as of.", $("#al-as-of")) && null;
    formError(form, "");
    return { view, actor, as_of: asOf, kind: $("#al-kind").value, min_shared: $("#al-min-shared").value };
  }
  const policy = $("#tl-policy").value;
  const asOf = $("#tl-as-of").value;
  if (!policy) return formError(form, "Choose a policy.", $("#tl-policy")) && null;
  formError(form, "");
  return { view, policy, as_of: isDate(asOf) ? asOf : "", retracted: $("#tl-retracted").checked, family: $("#tl-family").checked };
}

// ---- sharing -------------------------------------------------------------------------------------

function escapeAttribute(text) {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const EMBED_HEIGHT = { "compare-actors": 640, "compare-dates": 600, timeline: 760, alignment: 720, parties: 640 };

function copyButton(target, label) {
  const button = h("button", { type: "button", class: "secondary" }, label);
  const feedback = h("span", { class: "copy-feedback", role: "status" });
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(target.value);
    } catch {
      target.select();
      document.execCommand("copy");
    }
    feedback.textContent = "Copied.";
    setTimeout(() => {
      feedback.textContent = "";
    }, 2500);
  });
  return [button, feedback];
}

function renderShare(state, title) {
  clear(els.share);
  const link = permalink(state);
  const embed = embedUrl(state);
  const snippet = `<iframe src="${escapeAttribute(embed)}" title="${escapeAttribute(title)}" width="100%" height="${
    EMBED_HEIGHT[state.view]
  }" style="border:0;max-width:100%" loading="lazy"></iframe>`;
  const permalinkInput = h("input", { id: "permalink", type: "text", readonly: true, value: link, class: "share-input" });
  const embedArea = h("textarea", { id: "embed-code", readonly: true, rows: 3, class: "share-input" }, snippet);
  els.share.append(
    h(
      "div",
      { class: "share-row" },
      h("label", { for: "permalink" }, "Permalink"),
      permalinkInput,
      ...copyButton(permalinkInput, "Copy link"),
    ),
    h(
      "details",
      { class: "embed" },
      h("summary", {}, "Embed this view"),
      h("label", { for: "embed-code" }, "Embed code (an iframe showing just the table)"),
      embedArea,
      h("p", {}, ...copyButton(embedArea, "Copy embed code"), " ", h("a", { href: embed, target: "_blank", rel: "noopener", class: "embed-preview" }, "Preview the embed")),
    ),
  );
  for (const input of [permalinkInput, embedArea]) input.addEventListener("focus", () => input.select());
}

// ---- running a view ------------------------------------------------------------------------------

function showPanel(view) {
  for (const tab of els.tabs) {
    if (tab.dataset.view === view) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  for (const panel of els.panels) panel.hidden = panel.dataset.view !== view;
  els.results.hidden = view === INTAKE_VIEW; // the Intake view shows its own results
}

/** The Intake view: no request to run, nothing to put in the URL but the view. */
function showIntake() {
  if (controller) controller.abort();
  current = { view: INTAKE_VIEW };
  document.title = "Intake — Positions";
  showPanel(INTAKE_VIEW);
}

function isIntake(search) {
  return new URLSearchParams(search).get("view") === INTAKE_VIEW;
}

function loadingText(state) {
  if (state.view === "compare-dates") return `Loading changes for ${lookups.actors[state.actor] || state.actor}…`;
  if (state.view === "timeline") return `Loading the timeline of ${lookups.policies[state.policy] || state.policy}…`;
  if (state.view === "alignment") return `Ranking actors against ${lookups.actors[state.actor] || state.actor}…`;
  if (state.view === "parties") return `Rolling up party positions as of ${formatDate(state.as_of) || "today"}…`;
  return `Loading positions as of ${formatDate(state.as_of) || "today"}…`;
}

const PROMPTS = {
  "compare-actors": "Choose two or more actors and a date, then press Compare.",
  "compare-dates": "Choose an actor and two dates, then press Compare dates.",
  timeline: "Choose a policy, then press Show timeline.",
  alignment: "Choose an actor and a date, then press Rank actors.",
  parties: "Choose two or more parties and a date, then press Compare parties.",
};

function rememberNames(data) {
  for (const actor of data.actors || []) lookups.actors[actor.slug] = actor.name;
  if (data.actor) lookups.actors[data.actor.slug] = data.actor.name;
  if (data.policy) lookups.policies[data.policy.slug] = data.policy.title;
}

async function run(state) {
  if (controller) controller.abort();
  controller = new AbortController();
  const { signal } = controller;
  current = state;
  document.title = "Positions — newsroom dashboard";
  if (!isComplete(state)) {
    clear(els.share);
    clear(els.output).append(h("p", { class: "prompt" }, PROMPTS[state.view]));
    els.heading.textContent = "Results";
    return;
  }
  const calls = requests(state);
  els.results.setAttribute("aria-busy", "true");
  els.heading.textContent = "Results";
  clear(els.output).append(
    h("div", { class: "loading" }, h("span", { class: "spinner", "aria-hidden": "true" }), loadingText(state)),
  );
  els.status.textContent = loadingText(state);
  try {
    const [data, positions] = await Promise.all([
      getJSON(calls.main.json, { signal }),
      calls.positions ? getJSON(calls.positions.json, { signal }) : Promise.resolve(null),
      lookupsReady, // names for topics and policies in captions; failures are already shown
    ]);
    if (signal.aborted) return;
    rememberNames(data);
    if (["compare-actors", "alignment", "parties"].includes(state.view) && !state.as_of) {
      // Pin the date the API used, so the permalink keeps showing this view tomorrow.
      state.as_of = data.as_of;
      $({ alignment: "#al-as-of", parties: "#pa-as-of" }[state.view] || "#ca-as-of").value = data.as_of;
      history.replaceState(null, "", stateQuery(state) || "./");
    }
    const ctx = { state, requests: requests(state), embed: false, topicName: state.topic ? lookups.topics[state.topic] || state.topic : "" };
    let node;
    if (state.view === "compare-dates") {
      pickers["compare-dates"].name(lookups.actors);
      node = renderCompareDates(data, ctx);
    } else if (state.view === "timeline") {
      node = renderTimeline(data, ctx, positions);
    } else if (state.view === "parties") {
      for (const party of data.parties) lookups.actors[party.slug] = party.name;
      node = renderParties(data, ctx);
    } else if (state.view === "alignment") {
      pickers.alignment.name(lookups.actors);
      node = renderAlignment(data, ctx);
    } else {
      pickers["compare-actors"].name(lookups.actors);
      node = renderCompareActors(data, ctx);
    }
    const title = describeState(state, { ...lookups.actors, ...lookups.policies });
    els.heading.textContent = title;
    document.title = `${title} — Positions`;
    clear(els.output).append(node);
    renderShare(state, title);
    els.status.textContent = `Showing ${title}.`;
  } catch (error) {
    if (error.name === "AbortError" || signal.aborted) return;
    const shown = error instanceof ApiError ? error : new ApiError("Something went wrong", error.message);
    const picker = pickers[state.view];
    if (picker && shown.status === 404) {
      const unknown = (shown.errors || []).map((field) => /'([^']+)'/.exec(field.message)?.[1]).filter(Boolean);
      picker.markUnknown(unknown);
    }
    els.heading.textContent = "Results";
    clear(els.output).append(renderError(shown));
    clear(els.share);
    els.status.textContent = `Error: ${shown.title}. ${shown.detail || ""}`;
  } finally {
    if (!signal.aborted) els.results.setAttribute("aria-busy", "false");
  }
}

function show(state, { focusResults = false } = {}) {
  showPanel(state.view);
  stateToForm(state);
  run(state).then(() => {
    if (focusResults) els.results.focus();
  });
}

// ---- wiring --------------------------------------------------------------------------------------

for (const [view, form] of Object.entries(els.forms)) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const state = formToState(view);
    if (!state) return;
    const query = stateQuery(state);
    if (query !== location.search) history.pushState(null, "", query);
    show(state, { focusResults: true });
  });
}

for (const tab of els.tabs) {
  tab.addEventListener("click", (event) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    const view = tab.dataset.view;
    if (current && current.view === view) return;
    if (view === INTAKE_VIEW) {
      history.pushState(null, "", `?view=${INTAKE_VIEW}`);
      showIntake();
      return;
    }
    // Keep what was typed in that view's form; show its results if it is complete.
    const state = formToStateQuiet(view);
    history.pushState(null, "", stateQuery(state));
    showPanel(view);
    run(state);
  });
}

/** The form's state without complaining about what is missing (for switching views). */
function formToStateQuiet(view) {
  if (view === "compare-actors") {
    const actors = pickers[view].slugs();
    return {
      view,
      actors: actors.length >= 2 ? actors : [],
      as_of: $("#ca-as-of").value,
      topic: $("#ca-topic").value,
      holder: $("#ca-holder").checked,
    };
  }
  if (view === "compare-dates") {
    const [actor] = pickers[view].slugs();
    const from = $("#cd-from").value;
    const to = $("#cd-to").value;
    return from && to && actor ? { view, actor, from, to, topic: $("#cd-topic").value } : { view, actor: "", from: "", to: "", topic: "" };
  }
  if (view === "parties") {
    const parties = checkedParties();
    return { view, parties: parties.length >= 2 ? parties : [], as_of: $("#pa-as-of").value };
  }
  if (view === "alignment") {
    const [actor] = pickers[view].slugs();
    const asOf = $("#al-as-of").value;
    return actor
      ? { view, actor, as_of: asOf, kind: $("#al-kind").value, min_shared: $("#al-min-shared").value }
      : { view, actor: "", as_of: asOf, kind: "", min_shared: "" };
  }
  return {
    view,
    policy: $("#tl-policy").value,
    as_of: $("#tl-as-of").value,
    retracted: $("#tl-retracted").checked,
    family: $("#tl-family").checked,
  };
}

window.addEventListener("popstate", () => (isIntake(location.search) ? showIntake() : show(parseState(location.search))));

// Defaults for the date fields.
$("#ca-as-of").value = todayIso();
$("#cd-to").value = todayIso();
$("#al-as-of").value = todayIso();
$("#pa-as-of").value = todayIso();

// The selects need their options before a permalink's values can show in them.
lookupsReady = loadLookups().then(() => {
  if (current && current.view !== INTAKE_VIEW) syncSelects(current);
});
if (isIntake(location.search)) {
  showIntake();
} else {
  const initial = parseState(location.search);
  showPanel(initial.view);
  stateToForm(initial);
  run(initial);
}
