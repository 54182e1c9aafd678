// The public read API, exactly as any client calls it, and the dashboard's URL state.
//
// The API lives beside the dashboard: <prefix>/dashboard/js/api.js -> <prefix>/v1/.

export const API_BASE = new URL("../../v1/", import.meta.url);
export const DASHBOARD_BASE = new URL("../", import.meta.url);

/** The read views, whose state lives in the URL; "intake" (an editor's page) keeps its state in the page. */
export const VIEWS = ["compare-actors", "compare-dates", "timeline", "alignment", "parties"];
export const INTAKE_VIEW = "intake";
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** An error to show the reader: the API's problem title and detail, or what went wrong reaching it. */
export class ApiError extends Error {
  constructor(title, detail, status = 0, errors = []) {
    super(detail || title);
    this.title = title;
    this.detail = detail;
    this.status = status;
    this.errors = errors;
  }
}

/** A query string that keeps commas and slashes readable (the API accepts both forms). */
export function queryString(params) {
  const parts = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "" || value === false) continue;
    const text = value === true ? "1" : String(value);
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(text).replace(/%2C/gi, ",")}`);
  }
  return parts.length ? `?${parts.join("&")}` : "";
}

export function apiUrl(path, params = {}) {
  return new URL(path + queryString(params), API_BASE).toString();
}

export async function getJSON(url, { signal } = {}) {
  return answer(() => fetch(url, { headers: { Accept: "application/json" }, signal }));
}

/** POST a JSON body with an API key (sent only in the Authorization header, never stored). */
export async function postJSON(url, body, { key, signal } = {}) {
  const headers = { Accept: "application/json", "Content-Type": "application/json" };
  if (key) headers.Authorization = `Bearer ${key}`;
  return answer(() => fetch(url, { method: "POST", headers, body: JSON.stringify(body), signal }));
}

/** The JSON body of a successful answer, or an ApiError with the API's problem title, detail and field errors. */
async function answer(send) {
  let response;
  try {
    response = await send();
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError("Could not reach the API", `The request failed before an answer came back (${error.message}).`);
  }
  const type = response.headers.get("content-type") || "";
  if (!response.ok) {
    if (type.includes("json")) {
      let problem = null;
      try {
        problem = await response.json();
      } catch {
        // fall through to the generic message
      }
      if (problem && (problem.title || problem.detail)) {
        throw new ApiError(
          problem.title || `HTTP ${response.status}`,
          problem.detail || "",
          response.status,
          problem.errors || [],
        );
      }
    }
    throw new ApiError(`HTTP ${response.status}`, response.statusText || "The API answered with an error.", response.status);
  }
  try {
    return await response.json();
  } catch (error) {
    throw new ApiError("Unreadable answer", `The API's answer was not valid JSON (${error.message}).`, response.status);
  }
}

/** Every page of a paginated list (`items` + `next_cursor`). */
export async function getAll(path, params = {}, { signal, maxPages = 20 } = {}) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < maxPages; page += 1) {
    const body = await getJSON(apiUrl(path, { ...params, limit: 100, cursor }), { signal });
    items.push(...body.items);
    cursor = body.next_cursor;
    if (!cursor) break;
  }
  return items;
}

export function searchActors(q, { signal } = {}) {
  return getJSON(apiUrl("actors", { q, limit: 10 }), { signal }).then((body) => body.items);
}

// ---- view state <-> URL -------------------------------------------------------------------------

function date(value) {
  return value && DATE_RE.test(value) ? value : "";
}

function slugList(value) {
  return (value || "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The view and its parameters, from a query string. Unknown or malformed values are dropped or kept
 *  verbatim for the API to judge (an unknown actor is the API's to report, not the dashboard's). */
export function parseState(search) {
  const params = new URLSearchParams(search);
  const view = VIEWS.includes(params.get("view")) ? params.get("view") : "compare-actors";
  const raw = (name) => (params.get(name) || "").trim();
  if (view === "compare-dates") {
    return { view, actor: raw("actor"), from: raw("from"), to: raw("to"), topic: raw("topic") };
  }
  if (view === "parties") {
    return { view, parties: slugList(params.get("parties")), as_of: raw("as_of") };
  }
  if (view === "alignment") {
    return { view, actor: raw("actor"), as_of: raw("as_of"), kind: raw("kind"), min_shared: raw("min_shared") };
  }
  if (view === "timeline") {
    return {
      view,
      policy: raw("policy"),
      as_of: raw("as_of"),
      retracted: params.get("retracted") === "1",
      family: params.get("family") === "1",
    };
  }
  return {
    view,
    actors: slugList(params.get("actors")),
    as_of: raw("as_of"),
    topic: raw("topic"),
    holder: params.get("attribution") === "holder",
  };
}

/** The query string that reproduces a view (the permalink and the embed share it). */
export function stateQuery(state) {
  switch (state.view) {
    case "compare-dates":
      return queryString({ view: state.view, actor: state.actor, from: state.from, to: state.to, topic: state.topic });
    case "parties":
      return queryString({ view: state.view, parties: state.parties.join(","), as_of: state.as_of });
    case "alignment":
      return queryString({
        view: state.view,
        actor: state.actor,
        as_of: state.as_of,
        kind: state.kind,
        min_shared: state.min_shared,
      });
    case "timeline":
      return queryString({
        view: state.view,
        policy: state.policy,
        as_of: state.as_of,
        retracted: state.retracted,
        family: state.family,
      });
    default:
      return queryString({
        view: state.view,
        actors: state.actors.join(","),
        as_of: state.as_of,
        topic: state.topic,
        attribution: state.holder ? "holder" : "",
      });
  }
}

/** Is there enough in the state to ask the API? */
export function isComplete(state) {
  switch (state.view) {
    case "compare-dates":
      return Boolean(state.actor && state.from && state.to);
    case "timeline":
      return Boolean(state.policy);
    case "alignment":
      return Boolean(state.actor);
    case "parties":
      return state.parties.length > 0;
    default:
      return state.actors.length > 0;
  }
}

/** The API calls behind a view: JSON to draw it, and format=csv for its download links. */
export function requests(state) {
  if (state.view === "compare-dates") {
    const params = { actor: state.actor, from: state.from, to: state.to, topic: state.topic };
    return { main: { json: apiUrl("compare/dates", params), csv: apiUrl("compare/dates", { ...params, format: "csv" }) } };
  }
  if (state.view === "parties") {
    const params = { parties: state.parties.join(","), as_of: state.as_of };
    return { main: { json: apiUrl("compare/parties", params), csv: apiUrl("compare/parties", { ...params, format: "csv" }) } };
  }
  if (state.view === "alignment") {
    const path = `actors/${encodeURIComponent(state.actor)}/alignment`;
    const params = { as_of: state.as_of, kind: state.kind, min_shared: state.min_shared, limit: 10 };
    return { main: { json: apiUrl(path, params), csv: apiUrl(path, { ...params, format: "csv" }) } };
  }
  if (state.view === "timeline") {
    const base = `policies/${encodeURIComponent(state.policy)}/`;
    const family = state.family ? "true" : "";
    const params = { include_retracted: state.retracted ? "true" : "", family };
    const out = {
      main: { json: apiUrl(`${base}timeline`, params), csv: apiUrl(`${base}timeline`, { ...params, format: "csv" }) },
    };
    if (state.as_of) {
      out.positions = {
        json: apiUrl(`${base}positions`, { as_of: state.as_of, family }),
        csv: apiUrl(`${base}positions`, { as_of: state.as_of, family, format: "csv" }),
      };
    }
    return out;
  }
  const params = { actors: state.actors.join(","), as_of: state.as_of, topic: state.topic, attribution: state.holder ? "holder" : "" };
  return { main: { json: apiUrl("compare/actors", params), csv: apiUrl("compare/actors", { ...params, format: "csv" }) } };
}

export function permalink(state) {
  return new URL(stateQuery(state) || "./", DASHBOARD_BASE).toString();
}

export function embedUrl(state) {
  return new URL(`embed.html${stateQuery(state)}`, DASHBOARD_BASE).toString();
}

export function isDate(value) {
  return Boolean(date(value));
}
