// The policy timeline as an inline SVG: x = date, y = position -2..+2, one step line per actor.
//
// A stance holds until the actor's next one, so each series is a step line carried on to the end of
// the axis. Stances without a position (mixed, unclear) sit in their own lane below the scale and
// break the line; retracted stances (when asked for) are hollow crosses off the line. Series differ by
// colour and by marker shape, and each is labelled by name at its end, so colour is never the only cue.

import { s, uid } from "./dom.js";
import { dayValue, formatDate, formatShortMonth, positionText, POSITION_LABELS } from "./format.js";

// Okabe–Ito, minus the yellow that fails on white; all at least 3:1 against the background.
export const SERIES_COLOURS = ["#0072B2", "#b84c00", "#007a5a", "#AA3377", "#6b4c00", "#000000", "#5d5db8", "#b0164a"];
const SHAPES = ["circle", "square", "triangle", "diamond", "triangle-down", "pentagon"];

const DAY = 86_400_000;
const WIDTH = 960;
const MARGIN = { top: 28, right: 220, bottom: 44, left: 150 };
const LEVEL_GAP = 62;
const LEVELS = [2, 1, 0, -1, -2];
const LANE = "none"; // mixed / unclear

export function seriesStyle(index) {
  return { colour: SERIES_COLOURS[index % SERIES_COLOURS.length], shape: SHAPES[index % SHAPES.length] };
}

export function marker(shape, x, y, r, attrs) {
  const pts = (list) => list.map(([px, py]) => `${(x + px).toFixed(1)},${(y + py).toFixed(1)}`).join(" ");
  switch (shape) {
    case "square":
      return s("rect", { x: x - r * 0.85, y: y - r * 0.85, width: r * 1.7, height: r * 1.7, ...attrs });
    case "triangle":
      return s("polygon", { points: pts([[0, -r * 1.1], [r, r * 0.8], [-r, r * 0.8]]), ...attrs });
    case "triangle-down":
      return s("polygon", { points: pts([[0, r * 1.1], [r, -r * 0.8], [-r, -r * 0.8]]), ...attrs });
    case "diamond":
      return s("polygon", { points: pts([[0, -r * 1.2], [r * 1.1, 0], [0, r * 1.2], [-r * 1.1, 0]]), ...attrs });
    case "pentagon": {
      const corners = [0, 1, 2, 3, 4].map((i) => {
        const a = -Math.PI / 2 + (i * 2 * Math.PI) / 5;
        return [Math.cos(a) * r * 1.1, Math.sin(a) * r * 1.1];
      });
      return s("polygon", { points: pts(corners), ...attrs });
    }
    default:
      return s("circle", { cx: x, cy: y, r, ...attrs });
  }
}

/** Month-aligned ticks, at most about eight of them. */
function ticks(start, end) {
  const steps = [1, 2, 3, 6, 12, 24, 60, 120];
  const first = new Date(start);
  for (const step of steps) {
    const out = [];
    let year = first.getUTCFullYear();
    let month = first.getUTCMonth() + 1;
    if (step >= 12) {
      year += 1;
      month = 0;
      year = Math.ceil(year / (step / 12)) * (step / 12);
    } else {
      month = Math.ceil(month / step) * step;
    }
    for (let guard = 0; guard < 400; guard += 1) {
      const t = Date.UTC(year, month, 1);
      if (t > end) break;
      if (t >= start) out.push(t);
      month += step;
    }
    if (out.length <= 8) return { values: out, yearly: step >= 12 };
  }
  return { values: [start, end], yearly: true };
}

/** Spread label positions apart by at least `gap`, keeping them inside [low, high]. */
function spread(items, gap, low, high) {
  const sorted = [...items].sort((a, b) => a.want - b.want);
  for (let pass = 0; pass < 50; pass += 1) {
    let moved = false;
    for (let i = 1; i < sorted.length; i += 1) {
      const overlap = sorted[i - 1].y + gap - sorted[i].y;
      if (overlap > 0.01) {
        sorted[i - 1].y -= overlap / 2;
        sorted[i].y += overlap / 2;
        moved = true;
      }
    }
    for (const item of sorted) item.y = Math.min(high, Math.max(low, item.y));
    if (!moved) break;
  }
  return sorted;
}

/**
 * entries: the timeline's entries ({actor, stance, retracted}), oldest first.
 * options: {title, asOf (ISO day or "")}
 * Returns {svg, series}: series is [{actor, colour, shape}] in drawing order, for a legend.
 */
export function timelineChart(entries, { title, asOf = "" } = {}) {
  const byActor = new Map();
  for (const entry of entries) {
    if (!byActor.has(entry.actor.slug)) byActor.set(entry.actor.slug, { actor: entry.actor, points: [] });
    byActor.get(entry.actor.slug).points.push(entry);
  }
  const series = [...byActor.values()].map((item, index) => ({ ...item, ...seriesStyle(index) }));
  for (const item of series) item.points.sort((a, b) => dayValue(a.stance.stated_on) - dayValue(b.stance.stated_on));

  // x domain: every stance, the as-of marker, padded; never narrower than about two months.
  const days = entries.map((e) => dayValue(e.stance.stated_on));
  if (asOf && !Number.isNaN(dayValue(asOf))) days.push(dayValue(asOf));
  let lo = Math.min(...days);
  let hi = Math.max(...days);
  const minimum = 60 * DAY;
  if (hi - lo < minimum) {
    const middle = (lo + hi) / 2;
    lo = middle - minimum / 2;
    hi = middle + minimum / 2;
  }
  const pad = (hi - lo) * 0.06;
  lo -= pad;
  hi += pad;

  const hasLane = entries.some((e) => e.stance.position === null);
  const plotTop = MARGIN.top;
  const plotBottom = plotTop + LEVEL_GAP * (LEVELS.length - 1);
  const laneY = plotBottom + LEVEL_GAP * 0.85;
  const height = (hasLane ? laneY : plotBottom) + MARGIN.bottom;
  const plotLeft = MARGIN.left;
  const plotRight = WIDTH - MARGIN.right;
  const x = (ms) => plotLeft + ((ms - lo) / (hi - lo)) * (plotRight - plotLeft);
  const yOf = (position) => (position === null ? laneY : plotTop + (2 - position) * LEVEL_GAP);
  // Dodge: series sharing a point sit a few pixels apart instead of hiding each other.
  const dodge = (index) => {
    const n = series.length;
    const step = Math.min(4, 20 / Math.max(1, n - 1));
    return n <= 1 ? 0 : (index - (n - 1) / 2) * step;
  };

  const titleId = uid("chart-title");
  const descId = uid("chart-desc");
  const first = formatDate(entries[0].stance.stated_on, entries[0].stance.stated_on_precision);
  const last = formatDate(entries.at(-1).stance.stated_on, entries.at(-1).stance.stated_on_precision);
  const svg = s(
    "svg",
    {
      class: "timeline-chart",
      viewBox: `0 0 ${WIDTH} ${height}`,
      role: "img",
      "aria-labelledby": `${titleId} ${descId}`,
      preserveAspectRatio: "xMinYMin meet",
    },
    s("title", { id: titleId }, title),
    s(
      "desc",
      { id: descId },
      `${series.length} ${series.length === 1 ? "actor" : "actors"}, stances from ${first} to ${last}. ` +
        "Positions run from strongly oppose (−2) to strongly support (+2). The table below has the same data.",
    ),
  );

  // Grid and y axis.
  const grid = s("g", { class: "grid", "aria-hidden": "true" });
  for (const level of LEVELS) {
    const y = yOf(level);
    grid.append(
      s("line", { x1: plotLeft, x2: plotRight, y1: y, y2: y, class: level === 0 ? "zero" : "" }),
      s(
        "text",
        { x: plotLeft - 10, y: y + 4, "text-anchor": "end", class: "axis-label" },
        `${POSITION_LABELS[["strongly_oppose", "oppose", "neutral", "support", "strongly_support"][level + 2]]} ${
          level > 0 ? `+${level}` : level < 0 ? `−${-level}` : "0"
        }`,
      ),
    );
  }
  if (hasLane) {
    grid.append(
      s("line", { x1: plotLeft, x2: plotRight, y1: laneY, y2: laneY, class: "lane" }),
      s("text", { x: plotLeft - 10, y: laneY + 4, "text-anchor": "end", class: "axis-label" }, "Mixed / unclear"),
    );
  }
  const axisY = (hasLane ? laneY : plotBottom) + 16;
  const { values, yearly } = ticks(lo, hi);
  for (const t of values) {
    const tx = x(t);
    grid.append(
      s("line", { x1: tx, x2: tx, y1: plotTop - 8, y2: axisY - 10, class: "vtick" }),
      s("text", { x: tx, y: axisY + 6, "text-anchor": "middle", class: "axis-label" }, yearly ? String(new Date(t).getUTCFullYear()) : formatShortMonth(t)),
    );
  }
  svg.append(grid);

  // As-of marker.
  if (asOf && !Number.isNaN(dayValue(asOf))) {
    const ax = x(dayValue(asOf));
    svg.append(
      s(
        "g",
        { class: "as-of-marker" },
        s("line", { x1: ax, x2: ax, y1: plotTop - 14, y2: axisY - 8 }),
        s("text", { x: ax + 4, y: plotTop - 16, "text-anchor": "start" }, `As of ${formatDate(asOf)}`),
      ),
    );
  }

  // Series.
  const ends = [];
  const endX = x(hi) - 2;
  series.forEach((item, index) => {
    const off = dodge(index);
    const group = s("g", { class: "series", "data-actor": item.actor.slug });
    const live = item.points.filter((p) => !p.retracted);
    // Step path over numeric stances; a stance without a position breaks the line.
    let d = "";
    let previous = null;
    for (const point of live) {
      const px = x(dayValue(point.stance.stated_on));
      const py = yOf(point.stance.position) + off;
      if (point.stance.position === null) {
        if (previous) d += ` H${px.toFixed(1)}`;
        previous = null;
        continue;
      }
      d += previous ? ` H${px.toFixed(1)} V${py.toFixed(1)}` : ` M${px.toFixed(1)},${py.toFixed(1)}`;
      previous = point;
    }
    if (previous) d += ` H${endX.toFixed(1)}`;
    if (d) group.append(s("path", { d: d.trim(), stroke: item.colour, class: "series-line" }));
    for (const point of item.points) {
      const px = x(dayValue(point.stance.stated_on));
      const py = yOf(point.stance.position) + off;
      const label = `${item.actor.name}: ${positionText(point.stance)}, ${formatDate(point.stance.stated_on, point.stance.stated_on_precision)}${
        point.retracted ? " (retracted)" : ""
      }`;
      const hollow = point.retracted || point.stance.position === null;
      const shape = marker(item.shape, px, py, 5.5, {
        fill: hollow ? "#ffffff" : item.colour,
        stroke: item.colour,
        "stroke-width": hollow ? 2.2 : 1.2,
        "stroke-dasharray": point.retracted ? "2 2" : null,
        class: "point",
      });
      shape.append(s("title", {}, label));
      group.append(shape);
    }
    svg.append(group);
    const last = live.at(-1) || item.points.at(-1);
    ends.push({ item, want: yOf(last.stance.position) + off, y: yOf(last.stance.position) + off, live: Boolean(live.length) });
  });

  // End labels, spread apart, with leader lines from the end of each line.
  const labels = s("g", { class: "series-labels" });
  const labelX = plotRight + 26;
  for (const end of spread(ends, 15, plotTop - 10, height - MARGIN.bottom + 10)) {
    labels.append(
      s("path", { d: `M${endX},${end.want} L${labelX - 4},${end.y}`, stroke: end.item.colour, class: "leader" }),
      marker(end.item.shape, labelX + 4, end.y, 4.5, { fill: end.item.colour, stroke: end.item.colour }),
      s("text", { x: labelX + 14, y: end.y + 4, fill: end.item.colour, class: "series-name" }, end.item.actor.name),
    );
  }
  svg.append(labels);
  return { svg, series: series.map(({ actor, colour, shape }) => ({ actor, colour, shape })) };
}
