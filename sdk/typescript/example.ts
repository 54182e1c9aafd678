/**
 * A typed client for three reporter questions, built on `fetch` and the types openapi-typescript generates
 * from the committed OpenAPI document:
 *
 *     npx openapi-typescript ../../openapi/openapi.json -o schema.d.ts && npx tsc --noEmit -p .
 *
 * Nothing here is written by hand that the document already says: paths, query parameters and response
 * bodies all come from `paths` and `components`. tests/contract/test_typescript_sdk.py type-checks this file
 * and runs `main` against a live server.
 */
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type Problem = Schemas["Problem"];

/** The read operations used here; each answers 200 with a JSON body. */
export type JsonGetPath = "/v1/actors" | "/v1/compare/actors" | "/v1/compare/dates";
export type QueryOf<P extends JsonGetPath> = NonNullable<paths[P]["get"]["parameters"]["query"]>;
export type JsonOf<P extends JsonGetPath> = paths[P]["get"]["responses"][200]["content"]["application/json"];

/** An error answer, as RFC 9457 problem details. */
export class ApiError extends Error {
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(`${problem.status} ${problem.title}: ${problem.detail}`);
    this.name = "ApiError";
    this.problem = problem;
  }
}

export async function getJson<P extends JsonGetPath>(baseUrl: string, path: P, query: QueryOf<P>): Promise<JsonOf<P>> {
  const url = new URL(path, baseUrl);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) {
      url.searchParams.set(name, String(value));
    }
  }
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) {
    throw new ApiError((await response.json()) as Problem);
  }
  return (await response.json()) as JsonOf<P>;
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) {
    throw new Error(message);
  }
}

/** Who is "rama"? Edi Rama and Keir Starmer on return hubs (and on one in Albania) as of 15 May 2025. How
 *  Starmer's position on offshoring moved in ten months. */
export async function main(baseUrl: string): Promise<string[]> {
  const lines: string[] = [];

  // listActors: search forgives typos and matches aliases.
  const page = await getJson(baseUrl, "/v1/actors", { q: "rama" });
  const first: Schemas["ActorSummary"] | undefined = page.items[0];
  check(first !== undefined && first.slug === "edi-rama", `listActors q=rama: expected edi-rama first, got ${first?.slug}`);
  const kind: Schemas["ActorKind"] = first.kind;
  lines.push(`listActors: ${first.name} (${kind}, ${first.country ?? "no country"})`);

  // compareActors: one row per policy, each actor's effective stance, agreement per pair.
  const comparison = await getJson(baseUrl, "/v1/compare/actors", {
    actors: "edi-rama,keir-starmer",
    as_of: "2025-05-15",
  });
  const hubs = comparison.rows.find((row) => row.policy.slug === "uk-return-hubs");
  check(hubs !== undefined, "compareActors: no row for uk-return-hubs");
  // Starmer backs return hubs; Rama gave no view on them as a whole (partial): he ruled out Albania hosting one.
  const agreement: Schemas["Agreement"] | undefined = hubs.pairs[0]?.agreement;
  check(agreement === "partial", `compareActors: expected partial on uk-return-hubs, got ${agreement}`);
  const hosting = comparison.rows.find((row) => row.policy.slug === "uk-albania-return-hub-hosting");
  check(hosting !== undefined, "compareActors: no row for uk-albania-return-hub-hosting");
  for (const row of [hubs, hosting]) {
    for (const position of row.positions) {
      const label: Schemas["PositionLabel"] | "no stance" = position.stance?.label ?? "no stance";
      lines.push(`compareActors ${comparison.as_of} ${row.policy.title}: ${position.actor} ${label}`);
    }
  }
  lines.push(`compareActors: ${hubs.pairs.map((pair) => `${pair.actors.join(" vs ")} ${pair.agreement}`).join("; ")}`);

  // compareDates: how one actor's positions moved between two days.
  const dates = await getJson(baseUrl, "/v1/compare/dates", {
    actor: "keir-starmer",
    from: "2024-07-05",
    to: "2025-05-16",
  });
  const offshoring = dates.rows.find((row) => row.policy.slug === "uk-offshoring-asylum-seekers");
  check(offshoring !== undefined, "compareDates: no row for uk-offshoring-asylum-seekers");
  const change: Schemas["ChangeKind"] = offshoring.change;
  check(change === "strengthened", `compareDates: expected strengthened on uk-offshoring-asylum-seekers, got ${change}`);
  const before = offshoring.from_stance?.label ?? "no stance";
  const after = offshoring.to_stance?.label ?? "no stance";
  lines.push(`compareDates ${dates.from}..${dates.to} ${dates.actor.name}: ${offshoring.policy.title} ${before} -> ${after} (${change})`);
  lines.push(`compareDates: ${dates.counts.strengthened} strengthened, ${dates.counts.new} new, ${dates.counts.unchanged} unchanged`);

  return lines;
}

// Compile-time checks that the document describes these answers precisely enough to be useful from TypeScript:
// enums are unions of literals (so a misspelt value does not compile), fields the API always sends are required,
// and required query parameters are required.
type Assert<T extends true> = T;
type IsLiteralUnion<T> = string extends T ? false : true;
type IsRequired<T, K extends keyof T> = undefined extends T[K] ? false : true;
export type ContractChecks = [
  Assert<IsLiteralUnion<Schemas["ActorKind"]>>,
  Assert<IsLiteralUnion<Schemas["Agreement"]>>,
  Assert<IsLiteralUnion<Schemas["ChangeKind"]>>,
  Assert<IsLiteralUnion<Schemas["PositionLabel"]>>,
  Assert<IsRequired<Schemas["ActorPage"], "items">>,
  Assert<IsRequired<Schemas["PairAgreement"], "agreement">>,
  Assert<IsRequired<Schemas["PositionChange"], "change">>,
  Assert<IsRequired<QueryOf<"/v1/compare/actors">, "actors">>,
  Assert<IsRequired<QueryOf<"/v1/compare/dates">, "from">>,
];
