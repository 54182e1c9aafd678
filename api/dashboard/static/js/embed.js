// The embed: one view's table (the timeline also draws its chart), for an <iframe> on another page.

import { ApiError, apiUrl, getJSON, isComplete, parseState, permalink, requests } from "./api.js";
import { clear, h } from "./dom.js";
import {
  describeState,
  renderAlignment,
  renderCompareActors,
  renderCompareDates,
  renderError,
  renderParties,
  renderTimeline,
} from "./render.js";

const state = parseState(location.search);
const output = document.getElementById("output");
const main = document.getElementById("embed");
const title = document.getElementById("embed-title");
const credit = document.getElementById("credit");

function finish() {
  main.setAttribute("aria-busy", "false");
}

const MISSING = {
  "compare-actors": "This embed names no actors: add actors=slug-a,slug-b and as_of=YYYY-MM-DD to its address.",
  "compare-dates": "This embed needs actor=, from= and to= in its address.",
  timeline: "This embed needs policy= in its address.",
  alignment: "This embed needs actor= in its address.",
  parties: "This embed needs parties=slug-a,slug-b in its address.",
};

async function main_() {
  const link = permalink(state);
  credit.append(
    "Source: ",
    h("a", { href: link, target: "_blank", rel: "noopener" }, "Positions dashboard"),
  );
  if (!isComplete(state)) {
    clear(output).append(renderError(new ApiError("Nothing to show", MISSING[state.view])));
    finish();
    return;
  }
  const calls = requests(state);
  try {
    const [data, positions, topicName] = await Promise.all([
      getJSON(calls.main.json),
      calls.positions ? getJSON(calls.positions.json) : Promise.resolve(null),
      // the topic's name for the caption; its slug will do if the list cannot be had
      state.topic
        ? getJSON(apiUrl("topics"))
            .then((body) => (body.items.find((topic) => topic.slug === state.topic) || {}).name || state.topic)
            .catch(() => state.topic)
        : Promise.resolve(""),
    ]);
    const names = {};
    for (const actor of data.actors || []) names[actor.slug] = actor.name;
    if (data.actor) names[data.actor.slug] = data.actor.name;
    if (data.policy) names[data.policy.slug] = data.policy.title;
    for (const party of data.parties || []) names[party.slug] = party.name;
    if (["compare-actors", "alignment", "parties"].includes(state.view) && !state.as_of) state.as_of = data.as_of;
    const ctx = { state, requests: calls, embed: true, topicName };
    const heading = describeState(state, names);
    title.textContent = heading;
    document.title = `${heading} — Positions`;
    let node;
    if (state.view === "compare-dates") node = renderCompareDates(data, ctx);
    else if (state.view === "timeline") node = renderTimeline(data, ctx, positions);
    else if (state.view === "alignment") node = renderAlignment(data, ctx);
    else if (state.view === "parties") node = renderParties(data, ctx);
    else node = renderCompareActors(data, ctx);
    clear(output).append(node);
  } catch (error) {
    const shown = error instanceof ApiError ? error : new ApiError("Something went wrong", error.message);
    clear(output).append(renderError(shown));
  }
  finish();
}

main_();
