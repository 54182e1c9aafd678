// Words and dates as a reader sees them.

export const POSITION_LABELS = {
  strongly_oppose: "Strongly oppose",
  oppose: "Oppose",
  neutral: "Neutral",
  support: "Support",
  strongly_support: "Strongly support",
  mixed: "Mixed",
  unclear: "Unclear",
};

export const AGREEMENT_LABELS = {
  agree: { text: "Agree", mark: "✓" },
  disagree: { text: "Disagree", mark: "✗" },
  partial: { text: "Partial", mark: "◐" },
  unknown: { text: "Unknown", mark: "?" },
};

export const CHANGE_LABELS = {
  new: { text: "New", mark: "+" },
  dropped: { text: "Dropped", mark: "−" },
  strengthened: { text: "Strengthened", mark: "▲" },
  weakened: { text: "Weakened", mark: "▼" },
  reversed: { text: "Reversed", mark: "⇄" },
  unchanged: { text: "Unchanged", mark: "=" },
};
export const CHANGE_ORDER = ["reversed", "strengthened", "weakened", "new", "dropped", "unchanged"];

export const EVIDENCE_KIND = {
  direct_quote: "Quote",
  paraphrase: "Paraphrase",
  reported_action: "Reported action",
  recorded_vote: "Recorded vote",
};

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTHS_LONG = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
];

/** "2025-05-15" -> milliseconds since the epoch at UTC midnight (NaN when malformed). */
export function dayValue(iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
  if (!match) return Number.NaN;
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

export function isoDay(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

/** "15 May 2025", "May 2025" or "2025" according to how precisely the date is known. */
export function formatDate(iso, precision = "day") {
  const ms = dayValue(iso);
  if (Number.isNaN(ms)) return iso || "";
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  if (precision === "year") return String(year);
  if (precision === "month") return `${MONTHS_LONG[d.getUTCMonth()]} ${year}`;
  return `${d.getUTCDate()} ${MONTHS_LONG[d.getUTCMonth()]} ${year}`;
}

export function formatShortMonth(ms, withYear = true) {
  const d = new Date(ms);
  return withYear ? `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}` : MONTHS[d.getUTCMonth()];
}

export function signed(position) {
  if (position === null || position === undefined) return "";
  if (position > 0) return `+${position}`;
  if (position < 0) return `−${Math.abs(position)}`;
  return "0";
}

/** "Strongly oppose (−2)" or "Mixed". */
export function positionText(stance) {
  const label = POSITION_LABELS[stance.label] || stance.label;
  return stance.position === null || stance.position === undefined ? label : `${label} (${signed(stance.position)})`;
}

export function plural(count, one, many = `${one}s`) {
  return `${count} ${count === 1 ? one : many}`;
}

export function todayIso() {
  const now = new Date();
  return isoDay(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()));
}

/** "Edi Rama, Keir Starmer and Giorgia Meloni". */
export function listWords(words, conjunction = "and") {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} ${conjunction} ${words.at(-1)}`;
}
