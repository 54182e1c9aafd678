"""Is a candidate already stored? Stored evidence of the same kind with the same or nearly the same words.

A rewording scores on ``similarity`` (trigram overlap of the two texts), a truncation on ``word_similarity``
(how well the shorter text matches some stretch of the longer, which must not be four times its length). Both
use the GIN trigram index on ``evidence.text`` (migration 0007) through pg_trgm's ``%``, ``<%`` and ``%>``
operators, in one query for all candidates. Translations are not detected: that needs a model.
"""

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

SIMILARITY = 0.6
WORD_SIMILARITY = 0.8
LENGTH_RATIO = 0.25

_QUERY = text(
    """
    SELECT c.n, best.slug, best.score
    FROM unnest(CAST(:numbers AS int[]), CAST(:quotes AS boolean[]), CAST(:texts AS text[])) AS c(n, quote, body)
    CROSS JOIN LATERAL (
        SELECT e.slug,
               greatest(
                   similarity(e.text, c.body),
                   CASE WHEN length(e.text) >= CAST(:ratio AS real) * length(c.body)
                        THEN word_similarity(e.text, c.body) ELSE 0 END,
                   CASE WHEN length(c.body) >= CAST(:ratio AS real) * length(e.text)
                        THEN word_similarity(c.body, e.text) ELSE 0 END
               ) AS score
        FROM evidence e
        WHERE (e.text % c.body OR e.text <% c.body OR e.text %> c.body)
          AND e.kind <> 'recorded_vote'
          AND (e.kind = 'direct_quote') = c.quote
        ORDER BY score DESC, e.id
        LIMIT 1
    ) AS best
    WHERE best.score >= least(CAST(:similarity AS real), CAST(:word_similarity AS real))
    """
)


async def find_duplicates(session: AsyncSession, candidates: Sequence[tuple[bool, str]]) -> dict[int, str]:
    """For each candidate (is it a direct quote, its text), by position: the slug of the stored evidence it
    duplicates, when there is one."""
    if not candidates:
        return {}
    await session.execute(
        text(
            "SELECT set_config('pg_trgm.similarity_threshold', :s, true), "
            "set_config('pg_trgm.word_similarity_threshold', :w, true)"
        ),
        {"s": str(SIMILARITY), "w": str(WORD_SIMILARITY)},
    )
    rows = await session.execute(
        _QUERY,
        {
            "numbers": list(range(len(candidates))),
            "quotes": [quote for quote, _ in candidates],
            "texts": [body for _, body in candidates],
            "ratio": LENGTH_RATIO,
            "similarity": SIMILARITY,
            "word_similarity": WORD_SIMILARITY,
        },
    )
    return {row.n: row.slug for row in rows}
