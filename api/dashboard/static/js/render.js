// The three views as DOM, shared by the dashboard (index.html) and the embed (embed.html).

import { DASHBOARD_BASE, queryString } from "./api.js";
import { marker, timelineChart } from "./chart.js";
import { h, s, uid } from "./dom.js";
import {
  AGREEMENT_LABELS,
  CHANGE_LABELS,
  CHANGE_ORDER,
  EVIDENCE_KIND,
  formatDate,
  listWords,
  plural,
  positionText,
  signed,
} from "./format.js";

export const NO_STANCE = "No stance recorded as of this date";

// ---- small pieces -------------------------------------------------------------------------------

/** A link into the full dashboard (from an embed it opens a new tab). */
function viewLink(ctx, params, ...children) {
  const href = new URL(queryString(params) || "./", DASHBOARD_BASE).toString();
  return h("a", { href, target: ctx.embed ? "_blank" : null, rel: ctx.embed ? "noopener" : null }, ...children);
}

function safeUrl(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.toString() : null;
  } catch {
    return null;
  }
}

export function positionBadge(stance) {
  return h("span", { class: ["badge", "position", `pos-${stance.label}`] }, positionText(stance));
}

export function agreementBadge(agreement) {
  const label = AGREEMENT_LABELS[agreement] || { text: agreement, mark: "" };
  return h(
    "span",
    { class: ["badge", "agreement", `agr-${agreement}`] },
    h("span", { "aria-hidden": "true", class: "mark" }, label.mark),
    label.text,
  );
}

export function changeBadge(change) {
  const label = CHANGE_LABELS[change] || { text: change, mark: "" };
  return h(
    "span",
    { class: ["badge", "change", `chg-${change}`] },
    h("span", { "aria-hidden": "true", class: "mark" }, label.mark),
    label.text,
  );
}

function sourceCitation(source) {
  const url = source.url ? safeUrl(source.url) : null;
  const title = url
    ? h("a", { href: url, target: "_blank", rel: "noopener noreferrer", class: "source-link" }, source.title)
    : h("cite", {}, source.title);
  const parts = [title];
  if (source.publisher) parts.push(", ", h("span", { class: "publisher" }, source.publisher));
  if (source.published_on) {
    parts.push(
      ", ",
      h("time", { datetime: source.published_on }, formatDate(source.published_on, source.published_on_precision)),
      source.published_on_inferred ? h("span", { class: "inferred" }, " (date inferred)") : null,
    );
  }
  return parts;
}

function evidenceItem(item, actorName) {
  const speaker = item.speaker ? item.speaker.name : actorName;
  const text =
    item.kind === "direct_quote"
      ? h("blockquote", { class: "quote" }, h("p", {}, `“${item.text}”`))
      : h(
          "p",
          { class: "ev-text" },
          h(
            "span",
            { class: "ev-kind" },
            `${EVIDENCE_KIND[item.kind] || item.kind}${item.vote ? ` (${item.vote.replace("_", " ")})` : ""}: `,
          ),
          item.text,
        );
  const who =
    item.kind === "reported_action"
      ? null
      : h(
          "span",
          { class: "speaker" },
          item.speaker && actorName && item.speaker.name !== actorName ? `said by ${speaker}` : speaker,
        );
  return h(
    "li",
    { class: ["evidence", `ev-${item.kind}`] },
    text,
    h("p", { class: "cite" }, "— ", who, who ? ", " : null, ...sourceCitation(item.source)),
  );
}

export function evidenceList(evidence, actorName) {
  if (!evidence.length) return h("p", { class: "muted" }, "No evidence attached.");
  return h(
    "ul",
    { class: "evidence-list", "aria-label": `Evidence (${plural(evidence.length, "item")})` },
    evidence.map((item) => evidenceItem(item, actorName)),
  );
}

const STRENGTH_WORDS = { strong: "Strong evidence", moderate: "Moderate evidence", weak: "Weak evidence" };
const KIND_WORDS = [
  ["direct_quote", "direct quote"],
  ["recorded_vote", "recorded vote"],
  ["paraphrase", "paraphrase"],
  ["reported_action", "reported action"],
];

/** "Weak evidence: 1 stance, 2 paraphrases, stated 15 May 2025, 3 days before." */
export function strengthText(strength) {
  const items = KIND_WORDS.filter(([key]) => strength.evidence[key]).map(([key, word]) => plural(strength.evidence[key], word));
  const parts = [plural(strength.stances, "stance"), items.length ? listWords(items) : "no evidence"];
  if (strength.evidence_to) {
    const span =
      strength.evidence_from && strength.evidence_from !== strength.evidence_to
        ? `stated ${formatDate(strength.evidence_from)} to ${formatDate(strength.evidence_to)}`
        : `stated ${formatDate(strength.evidence_to)}`;
    const age = strength.newest_age_days;
    parts.push(age > 0 ? `${span}, newest ${plural(age, "day")} before this date` : span);
  }
  return `${STRENGTH_WORDS[strength.label] || strength.label}: ${parts.join(", ")}.`;
}

/** A small marker of what a position or agreement rests on; the words are in its tooltip and for screen readers. */
export function strengthMarker(strength) {
  if (!strength) return null;
  const text = strengthText(strength);
  return h(
    "span",
    { class: ["strength", `strength-${strength.label}`], title: text, tabindex: "0", dataset: { strength: strength.label } },
    h("span", { "aria-hidden": "true" }, strength.label === "strong" ? "●●●" : strength.label === "moderate" ? "●●○" : "●○○"),
    h("span", { class: "visually-hidden" }, text),
  );
}

/** A stance with its label, date, summary and evidence; or the empty-state text. */
export function stanceContent(stance, actorName, emptyText = NO_STANCE) {
  if (!stance) return [h("p", { class: "empty-cell" }, emptyText)];
  return [
    positionBadge(stance),
    " ",
    strengthMarker(stance.strength),
    stance.attributed_via
      ? h("p", { class: "attributed-via" }, `Said by ${stance.attributed_via.office.name}, for the ${stance.attributed_via.role}`)
      : null,
    h(
      "p",
      { class: "stated" },
      "Stated ",
      h("time", { datetime: stance.stated_on }, formatDate(stance.stated_on, stance.stated_on_precision)),
      stance.stated_on_inferred ? h("span", { class: "inferred" }, " (date inferred)") : null,
    ),
    h("p", { class: "stance-summary" }, stance.summary),
    evidenceList(stance.evidence, actorName),
    stancePageLink(stance),
  ];
}

const IN_FRAME = window.self !== window.top;

/** The stance's own page (server-rendered, with its schema.org JSON-LD); from an embed it opens a new tab. */
function stancePageLink(stance) {
  const href = new URL(`stances/${encodeURIComponent(stance.slug)}`, DASHBOARD_BASE).toString();
  return h(
    "p",
    { class: "stance-page-link" },
    h("a", { href, target: IN_FRAME ? "_blank" : null, rel: IN_FRAME ? "noopener" : null }, "Stance page"),
  );
}

export function emptyState(text, hint) {
  return h("div", { class: "empty-state", role: "status" }, h("p", { class: "empty-title" }, text), hint ? h("p", {}, hint) : null);
}

/** A wide table in a box that scrolls sideways; focusable so the keyboard can scroll it too. */
function scrollBox(table) {
  const caption = table.querySelector("caption");
  if (caption && !caption.id) caption.id = uid("caption");
  return h(
    "div",
    { class: "table-scroll", role: "region", tabindex: "0", "aria-labelledby": caption ? caption.id : null },
    table,
  );
}

export function tableActions(csvUrl, note) {
  return h(
    "p",
    { class: "table-actions" },
    h("a", { href: csvUrl, class: "csv-link", download: "" }, "Download CSV"),
    note ? h("span", { class: "muted" }, ` ${note}`) : null,
  );
}

// ---- compare actors ------------------------------------------------------------------------------

function pairName(pair, names) {
  return pair.actors.map((slug) => names[slug] || slug).join(" – ");
}

function agreementCell(row, names) {
  if (row.pairs.length === 1) return [agreementBadge(row.pairs[0].agreement), " ", strengthMarker(row.pairs[0].strength)];
  const known = row.pairs.filter((pair) => pair.agreement !== "unknown");
  const unknown = row.pairs.length - known.length;
  return h(
    "div",
    { class: "pairs" },
    known.length
      ? h(
          "ul",
          { class: "pair-list" },
          known.map((pair) =>
            h("li", {}, agreementBadge(pair.agreement), " ", strengthMarker(pair.strength), " ", h("span", { class: "pair-name" }, pairName(pair, names))),
          ),
        )
      : null,
    unknown ? h("p", { class: "muted" }, `${plural(unknown, "pair")} unknown (one side has no stance)`) : null,
  );
}

// Sequential scale for agreement scores 0..1 (YlGnBu), with the text colour chosen for contrast.
const HEAT = ["#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"];
function luminance(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function heatColour(score) {
  const index = Math.max(0, Math.min(HEAT.length - 1, Math.round(score * (HEAT.length - 1))));
  const background = HEAT[index];
  const l = luminance(background);
  // Whichever of near-black and white reads better on this cell.
  const onDark = (l + 0.05) / (luminance("#111111") + 0.05);
  const onLight = 1.05 / (l + 0.05);
  return { background, text: onDark >= onLight ? "#111111" : "#ffffff" };
}

function scoreText(score) {
  return score === null || score === undefined ? "n/a" : score.toFixed(2);
}

function twoActorSummary(data, names) {
  const pair = data.summary[0];
  const [a, b] = pair.actors.map((slug) => names[slug] || slug);
  const counts = [
    [pair.agree, "agree"],
    [pair.disagree, "disagree"],
    [pair.partial, "partial"],
    [pair.unknown, "unknown"],
  ];
  return h(
    "div",
    { class: "pair-summary" },
    h(
      "p",
      { class: "score-line" },
      h("span", { class: "score", style: pair.score === null ? null : `background:${heatColour(pair.score).background};color:${heatColour(pair.score).text}` }, scoreText(pair.score)),
      " ",
      pair.score === null
        ? `No agreement score: there is no policy on which both ${a} and ${b} have a position.`
        : `Agreement score between ${a} and ${b}, over ${plural(pair.policies_compared, "policy", "policies")} where both have a position (1 = identical, 0 = opposite extremes).`,
      " ",
      strengthMarker(pair.strength),
    ),
    h(
      "ul",
      { class: "count-list", "aria-label": "Policies by agreement" },
      counts.map(([count, key]) => h("li", {}, agreementBadge(key), " ", h("strong", {}, String(count)))),
    ),
  );
}

function matrixTable(data, names, ctx) {
  const actors = data.matrix.actors;
  const table = h(
    "table",
    { class: "matrix" },
    h("caption", {}, `Agreement matrix as of ${formatDate(data.as_of)}: score from 0 (opposite extremes) to 1 (identical), with the number of policies compared`),
    h("thead", {}, h("tr", {}, h("td", {}), actors.map((slug) => h("th", { scope: "col" }, names[slug] || slug)))),
    h(
      "tbody",
      {},
      actors.map((rowSlug, i) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, names[rowSlug] || rowSlug),
          actors.map((colSlug, j) => {
            if (i === j) return h("td", { class: "diagonal" }, h("span", { class: "visually-hidden" }, "same actor"), "—");
            const score = data.matrix.scores[i][j];
            const count = data.matrix.counts[i][j];
            if (score === null) return h("td", { class: "no-score" }, "n/a", h("span", { class: "count" }, ` (${count})`));
            const colour = heatColour(score);
            return h(
              "td",
              { style: `background:${colour.background};color:${colour.text}`, title: `${names[rowSlug]} and ${names[colSlug]}: ${scoreText(score)} over ${plural(count, "policy", "policies")}` },
              scoreText(score),
              h("span", { class: "count" }, ` (${count})`),
            );
          }),
        ),
      ),
    ),
  );
  const pairs = h(
    "details",
    { class: "all-pairs" },
    h("summary", {}, `All ${plural(data.summary.length, "pair")}`),
    h(
      "table",
      { class: "pairs-table" },
      h("caption", {}, `Agreement per pair as of ${formatDate(data.as_of)}`),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["Pair", "Score", "Evidence", "Compared", "Agree", "Disagree", "Partial", "Unknown"].map((label) => h("th", { scope: "col" }, label)),
        ),
      ),
      h(
        "tbody",
        {},
        data.summary.map((pair) =>
          h(
            "tr",
            {},
            h("th", { scope: "row" }, pairName(pair, names)),
            h("td", { class: "num" }, scoreText(pair.score)),
            h("td", {}, strengthMarker(pair.strength)),
            h("td", { class: "num" }, String(pair.policies_compared)),
            h("td", { class: "num" }, String(pair.agree)),
            h("td", { class: "num" }, String(pair.disagree)),
            h("td", { class: "num" }, String(pair.partial)),
            h("td", { class: "num" }, String(pair.unknown)),
          ),
        ),
      ),
    ),
  );
  return [scrollBox(table), tableActions(ctx.requests.main.csv, "(one row per actor and other actor: agreement_with_other, distance_to_other)"), pairs];
}

function agreementSection(data, names, ctx) {
  const headingId = uid("agreement");
  return h(
    "section",
    { class: "agreement-summary", "aria-labelledby": headingId },
    h("h3", { id: headingId }, "Agreement"),
    data.actors.length === 2 ? twoActorSummary(data, names) : matrixTable(data, names, ctx),
    h("details", { class: "method" }, h("summary", {}, "How agreement is worked out"), h("p", {}, data.method)),
  );
}

function positionsTable(data, names, ctx) {
  const actorNames = data.actors.map((a) => a.name);
  const topic = ctx.topicName ? ` (topic: ${ctx.topicName})` : "";
  return h(
    "table",
    { class: ["positions", "compare-actors"] },
    h("caption", {}, `Positions as of ${formatDate(data.as_of)}: ${listWords(actorNames)}${topic}`),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col", class: "policy-col" }, "Policy"),
        data.actors.map((actor) => h("th", { scope: "col", dataset: { actor: actor.slug } }, actor.name)),
        h("th", { scope: "col", class: "agreement-col" }, "Agreement"),
      ),
    ),
    h(
      "tbody",
      {},
      data.rows.map((row) =>
        h(
          "tr",
          { dataset: { policy: row.policy.slug } },
          h(
            "th",
            { scope: "row", class: "policy-cell" },
            viewLink(ctx, { view: "timeline", policy: row.policy.slug, as_of: data.as_of }, row.policy.title),
          ),
          row.positions.map((position) =>
            h(
              "td",
              { class: "stance-cell", dataset: { actor: position.actor } },
              stanceContent(position.stance, names[position.actor]),
            ),
          ),
          h("td", { class: "agreement-cell" }, agreementCell(row, names)),
        ),
      ),
    ),
  );
}

export function renderCompareActors(data, ctx) {
  const names = Object.fromEntries(data.actors.map((actor) => [actor.slug, actor.name]));
  const out = h("div", { class: "result compare-actors-result" });
  if (!data.rows.length) {
    const topic = ctx.topicName ? ` on ${ctx.topicName}` : "";
    out.append(
      emptyState(
        `${NO_STANCE} (${formatDate(data.as_of)}) for ${listWords(data.actors.map((a) => a.name), "or")}${topic}.`,
        "Try a later date, or another topic.",
      ),
    );
    return out;
  }
  for (const item of data.attributed || []) {
    out.append(
      h(
        "p",
        { class: "attributed-note", dataset: { office: item.office.slug } },
        `${item.office.name} is shown as ${item.holder.name}, who held the office it speaks for (${item.role}) on ${formatDate(data.as_of)}.`,
      ),
    );
  }
  if (!ctx.embed) out.append(agreementSection(data, names, ctx));
  out.append(scrollBox(positionsTable(data, names, ctx)), tableActions(ctx.requests.main.csv));
  return out;
}

// ---- compare dates -------------------------------------------------------------------------------

export function renderCompareDates(data, ctx) {
  const name = data.actor.name;
  const from = formatDate(data.from);
  const to = formatDate(data.to);
  const out = h("div", { class: "result compare-dates-result" });
  if (!data.rows.length) {
    const topic = ctx.topicName ? ` on ${ctx.topicName}` : "";
    out.append(emptyState(`${NO_STANCE}: ${name} has no stance${topic} on or before ${to}.`, "Try later dates."));
    return out;
  }
  const present = CHANGE_ORDER.filter((kind) => data.counts[kind] > 0);
  if (!ctx.embed) {
    const headingId = uid("changes");
    const changed = data.rows.length - data.counts.unchanged;
    out.append(
      h(
        "section",
        { class: "change-summary", "aria-labelledby": headingId },
        h("h3", { id: headingId }, "What changed"),
        h(
          "p",
          {},
          changed
            ? `${name}'s position changed on ${plural(changed, "policy", "policies")} between ${from} and ${to}.`
            : `${name}'s positions did not change between ${from} and ${to}.`,
        ),
        h(
          "ul",
          { class: "count-list", "aria-label": "Policies by kind of change" },
          present.map((kind) => h("li", {}, changeBadge(kind), " ", h("strong", {}, String(data.counts[kind])))),
        ),
        h("details", { class: "method" }, h("summary", {}, "How changes are worked out"), h("p", {}, data.method)),
      ),
    );
  }
  const rank = (row) => CHANGE_ORDER.indexOf(row.change);
  const rows = [...data.rows].sort((a, b) => rank(a) - rank(b));
  const topic = ctx.topicName ? ` (topic: ${ctx.topicName})` : "";
  const table = h(
    "table",
    { class: ["positions", "compare-dates"] },
    h("caption", {}, `How ${name}'s positions changed from ${from} to ${to}${topic}`),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col", class: "policy-col" }, "Policy"),
        h("th", { scope: "col" }, "Change"),
        h("th", { scope: "col" }, `As of ${from}`),
        h("th", { scope: "col" }, `As of ${to}`),
      ),
    ),
    h(
      "tbody",
      {},
      rows.map((row) =>
        h(
          "tr",
          { dataset: { policy: row.policy.slug, change: row.change } },
          h(
            "th",
            { scope: "row", class: "policy-cell" },
            viewLink(ctx, { view: "timeline", policy: row.policy.slug, as_of: data.to }, row.policy.title),
          ),
          h("td", { class: "change-cell" }, changeBadge(row.change)),
          h("td", { class: "stance-cell", dataset: { end: "from" } }, stanceContent(row.from_stance, name)),
          h("td", { class: "stance-cell", dataset: { end: "to" } }, stanceContent(row.to_stance, name)),
        ),
      ),
    ),
  );
  out.append(scrollBox(table), tableActions(ctx.requests.main.csv));
  return out;
}

// ---- policy timeline -----------------------------------------------------------------------------

function legend(series) {
  return h(
    "ul",
    { class: "legend", "aria-label": "Actors in the chart" },
    series.map((item) => {
      const swatch = s(
        "svg",
        { width: 26, height: 14, viewBox: "0 0 26 14", "aria-hidden": "true" },
        s("line", { x1: 1, x2: 25, y1: 7, y2: 7, stroke: item.colour, "stroke-width": 2.5 }),
        marker(item.shape, 13, 7, 4.5, { fill: item.colour, stroke: item.colour }),
      );
      return h("li", {}, swatch, " ", item.actor.name);
    }),
  );
}

function timelineTable(data, ctx) {
  return h(
    "table",
    { class: ["positions", "timeline-table"] },
    h("caption", {}, `Every stance on “${data.policy.title}”${isFamily(data) ? " and its family" : ""}, oldest first`),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "Date"),
        h("th", { scope: "col" }, "Actor"),
        isFamily(data) ? h("th", { scope: "col" }, "Policy") : null,
        h("th", { scope: "col" }, "Stance and evidence"),
      ),
    ),
    h(
      "tbody",
      {},
      data.entries.map((entry) =>
        h(
          "tr",
          { dataset: { actor: entry.actor.slug }, class: entry.retracted ? "retracted" : null },
          h("td", { class: "date-cell" }, h("time", { datetime: entry.stance.stated_on }, formatDate(entry.stance.stated_on, entry.stance.stated_on_precision))),
          h(
            "th",
            { scope: "row" },
            entry.actor.name,
            entry.retracted ? h("span", { class: "badge retracted-badge" }, "Retracted") : null,
          ),
          isFamily(data) ? h("td", { class: "policy-cell", dataset: { policy: entry.policy.slug } }, entry.policy.title) : null,
          h("td", { class: "stance-cell" }, stanceContent(entry.stance, entry.actor.name)),
        ),
      ),
    ),
  );
}

function positionsAsOfTable(positions, ctx) {
  const date = formatDate(positions.as_of);
  if (!positions.positions.length) {
    return [emptyState(`${NO_STANCE} (${date}) on “${positions.policy.title}”.`)];
  }
  return [
    scrollBox(
      h(
        "table",
        { class: ["positions", "policy-positions"] },
        h("caption", {}, `Positions on “${positions.policy.title}”${isFamily(positions) ? " and its family" : ""} as of ${date}`),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, "Actor"),
            isFamily(positions) ? h("th", { scope: "col" }, "Policy") : null,
            h("th", { scope: "col" }, "Position and evidence"),
          ),
        ),
        h(
          "tbody",
          {},
          positions.positions.map((item) =>
            h(
              "tr",
              { dataset: { actor: item.actor.slug } },
              h("th", { scope: "row" }, item.actor.name),
              isFamily(positions) ? h("td", { class: "policy-cell", dataset: { policy: item.policy.slug } }, item.policy.title) : null,
              h("td", { class: "stance-cell" }, stanceContent(item.stance, item.actor.name)),
            ),
          ),
        ),
      ),
    ),
    tableActions(ctx.requests.positions.csv),
  ];
}

/** Whether an answer covers a policy's family (more than the policy itself). */
function isFamily(data) {
  return Boolean(data.family && data.family.length > 1);
}

/** With a family, one line per actor and policy: "Edi Rama · Albania hosting a UK return hub". */
function chartEntries(data) {
  if (!isFamily(data)) return data.entries;
  return data.entries.map((entry) => ({
    ...entry,
    actor: { ...entry.actor, slug: `${entry.actor.slug}/${entry.policy.slug}`, name: `${entry.actor.name} · ${entry.policy.title}` },
  }));
}

export function renderTimeline(data, ctx, positions = null) {
  const out = h("div", { class: "result timeline-result" });
  if (!data.entries.length) {
    out.append(emptyState(`No stance recorded on “${data.policy.title}”.`));
    return out;
  }
  if (isFamily(data)) {
    out.append(
      h("p", { class: "family-note" }, "With its family: ", listWords(data.family.map((policy) => `“${policy.title}”`)), "."),
    );
  }
  const { svg, series } = timelineChart(chartEntries(data), { title: `Stances on “${data.policy.title}” over time`, asOf: ctx.state.as_of });
  const figureCaption = uid("fig");
  out.append(
    h(
      "figure",
      { class: "chart", "aria-labelledby": figureCaption },
      h("div", { class: "chart-scroll" }, svg),
      h(
        "figcaption",
        { id: figureCaption },
        `Each actor's stance on “${data.policy.title}”: a line holds until the actor's next stance. `,
        "Hollow markers are stances without a position (mixed or unclear)",
        ctx.state.retracted ? " or retracted ones (dashed)." : ".",
      ),
      legend(series),
    ),
  );
  if (positions) {
    const headingId = uid("positions");
    out.append(
      h(
        "section",
        { class: "positions-as-of", "aria-labelledby": headingId },
        h("h3", { id: headingId }, `Positions as of ${formatDate(positions.as_of)}`),
        ...positionsAsOfTable(positions, ctx),
      ),
    );
  }
  const tableHeading = uid("timeline-table");
  out.append(
    h(
      "section",
      { class: "timeline-data", "aria-labelledby": tableHeading },
      h("h3", { id: tableHeading }, "The data behind the chart"),
      scrollBox(timelineTable(data, ctx)),
      tableActions(ctx.requests.main.csv),
    ),
  );
  return out;
}

export function renderError(error) {
  return h(
    "div",
    { class: "error", role: "alert" },
    h("p", { class: "error-title" }, error.title || "Something went wrong"),
    error.detail ? h("p", { class: "error-detail" }, error.detail) : null,
    error.errors && error.errors.length
      ? h("ul", { class: "error-fields" }, ...error.errors.map((e) => h("li", {}, e.name ? `${e.name}: ${e.message}` : e.message)))
      : null,
  );
}

// ---- parties ------------------------------------------------------------------------------------

function partyCell(item) {
  const parts = [];
  if (item.mean === null) {
    parts.push(h("p", { class: "empty-cell" }, item.members_with_stance ? "No member states a position" : "No member has a stance"));
  } else {
    const rounded = Math.round(item.mean * 10) / 10;
    parts.push(
      h(
        "p",
        { class: "party-mean" },
        h("strong", {}, `Mean ${signed(rounded)}`),
        item.spread ? ` (spread ${item.spread.toFixed(1)})` : "",
        " ",
        strengthMarker(item.strength),
      ),
    );
  }
  const sides = [
    [item.support, "support"],
    [item.oppose, "oppose"],
    [item.neutral, "neutral"],
    [item.no_position, "no position"],
  ].filter(([count]) => count);
  parts.push(
    h(
      "p",
      { class: "party-counts" },
      `${item.members_with_stance} of ${plural(item.members, "member")} with a stance`,
      sides.length ? `: ${sides.map(([count, word]) => `${count} ${word}`).join(", ")}` : "",
    ),
  );
  if (item.own_stance) parts.push(h("p", { class: "party-own" }, "The party itself: ", positionBadge(item.own_stance)));
  return parts;
}

export function renderParties(data, ctx) {
  const out = h("div", { class: "result parties-result" });
  const names = Object.fromEntries(data.parties.map((party) => [party.slug, party.name]));
  const date = formatDate(data.as_of);
  if (!data.rows.length) {
    out.append(emptyState(`No member of these parties, and no party, has a stance as of ${date}.`));
    return out;
  }
  const table = h(
    "table",
    { class: ["positions", "party-table"] },
    h("caption", {}, `Party positions as of ${date}, from their members' stances`),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Policy"), data.parties.map((party) => h("th", { scope: "col" }, party.name)))),
    h(
      "tbody",
      {},
      data.rows.map((row) =>
        h(
          "tr",
          { dataset: { policy: row.policy.slug } },
          h("th", { scope: "row" }, row.policy.title),
          row.parties.map((item) => h("td", { class: "party-cell", dataset: { party: item.party } }, partyCell(item))),
        ),
      ),
    ),
  );
  const pairs = [];
  const { actors, scores, counts, strengths } = data.matrix;
  for (let i = 0; i < actors.length; i += 1) {
    for (let j = i + 1; j < actors.length; j += 1) {
      pairs.push(
        h(
          "li",
          { dataset: { pair: `${actors[i]},${actors[j]}` } },
          `${names[actors[i]]} – ${names[actors[j]]}: `,
          h("strong", {}, scoreText(scores[i][j])),
          ` over ${plural(counts[i][j], "policy", "policies")} where both have a mean`,
          strengths[i][j] ? h("span", { class: "pair-strength", dataset: { strength: strengths[i][j] } }, ` (${STRENGTH_WORDS[strengths[i][j]].toLowerCase()})`) : null,
        ),
      );
    }
  }
  out.append(
    scrollBox(table),
    tableActions(ctx.requests.main.csv),
    h("h3", {}, "Agreement between the parties"),
    h("ul", { class: "party-scores" }, pairs),
    h("p", { class: "hint" }, data.method),
  );
  return out;
}

// ---- alignment ----------------------------------------------------------------------------------

function alignmentTable(items, caption, ctx, actorSlug) {
  return scrollBox(
    h(
      "table",
      { class: ["alignment-table"] },
      h("caption", {}, caption),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["Rank", "Actor", "Score", "Evidence", "Policies compared", "Agree", "Disagree", "Partial"].map((label) => h("th", { scope: "col" }, label)),
        ),
      ),
      h(
        "tbody",
        {},
        items.map((item, index) =>
          h(
            "tr",
            { dataset: { actor: item.actor.slug } },
            h("td", { class: "num" }, String(index + 1)),
            h(
              "th",
              { scope: "row" },
              viewLink(ctx, { view: "compare-actors", actors: `${actorSlug},${item.actor.slug}`, as_of: ctx.state.as_of }, item.actor.name),
            ),
            h(
              "td",
              { class: "num score-cell", style: `background:${heatColour(item.score).background};color:${heatColour(item.score).text}` },
              scoreText(item.score),
            ),
            h("td", { class: "strength-cell" }, strengthMarker(item.strength)),
            h("td", { class: "num" }, String(item.policies_compared)),
            h("td", { class: "num" }, String(item.agree)),
            h("td", { class: "num" }, String(item.disagree)),
            h("td", { class: "num" }, String(item.partial)),
          ),
        ),
      ),
    ),
  );
}

export function renderAlignment(data, ctx) {
  const out = h("div", { class: "result alignment-result" });
  const date = formatDate(data.as_of);
  if (!data.actors_compared) {
    out.append(
      emptyState(
        `No actor shares ${plural(data.min_shared, "policy", "policies")} with positions with ${data.actor.name} as of ${date}.`,
        "Try fewer shared policies, another date or all kinds of actor.",
      ),
    );
    return out;
  }
  out.append(
    h(
      "p",
      { class: "lede" },
      `${plural(data.actors_compared, "actor")} share at least ${plural(data.min_shared, "policy", "policies")} with positions with ${data.actor.name} as of ${date}. `,
      "Score from 0 (opposite extremes) to 1 (identical); each name opens the side-by-side comparison.",
    ),
    alignmentTable(data.most_aligned, `Most aligned with ${data.actor.name} as of ${date}`, ctx, data.actor.slug),
    alignmentTable(data.least_aligned, `Least aligned with ${data.actor.name} as of ${date}`, ctx, data.actor.slug),
    tableActions(ctx.requests.main.csv),
  );
  return out;
}

/** One line naming what the view shows, used as the embed's title. */
export function describeState(state, names = {}) {
  const name = (slug) => names[slug] || slug;
  if (state.view === "compare-dates") return `${name(state.actor)}: positions from ${formatDate(state.from)} to ${formatDate(state.to)}`;
  if (state.view === "timeline") return `Timeline: ${names[state.policy] || state.policy}`;
  if (state.view === "alignment") return `Most and least aligned with ${name(state.actor)} as of ${formatDate(state.as_of)}`;
  if (state.view === "parties") return `${listWords(state.parties.map(name))}: party positions as of ${formatDate(state.as_of)}`;
  return `${listWords(state.actors.map(name))}: positions as of ${formatDate(state.as_of)}`;
}
