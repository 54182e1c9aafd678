"""The response cache: encoded comparison answers, kept in each API process and never recomputed.

An answer is stored under its strong ETag, which is the data version plus a digest of the normalised request
(path, sorted query, the defaults it resolved, the representation): a write bumps the data version, so it
invalidates every stored answer by construction, with no purge logic, and an answer is never served for a
data version other than the one it was asked at. The cache is an LRU bounded by the bytes of the bodies it
holds (``POSITIONS_RESPONSE_CACHE_BYTES``; 0 switches it off), and counts its hits and misses.
"""

from collections import OrderedDict
from dataclasses import dataclass, field

from api.metrics import CACHE_LOOKUPS
from api.representations import gzip_body

CACHE_HITS = CACHE_LOOKUPS.labels(result="hit")
CACHE_MISSES = CACHE_LOOKUPS.labels(result="miss")


@dataclass(slots=True)
class CachedAnswer:
    body: bytes
    media_type: str
    headers: dict[str, str]
    """Headers of this answer beyond those every answer of the endpoint carries (a CSV's file name)."""
    gzipped: bytes | None = None
    """The body gzip-coded, once a client accepting gzip asked for it (``ResponseCache.gzipped``)."""

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"")


@dataclass(slots=True)
class ResponseCache:
    max_bytes: int
    hits: int = 0
    misses: int = 0
    size: int = 0
    _answers: OrderedDict[str, CachedAnswer] = field(default_factory=OrderedDict)

    def get(self, key: str) -> CachedAnswer | None:
        answer = self._answers.get(key)
        if answer is None:
            self.misses += 1
            CACHE_MISSES.inc()
            return None
        self._answers.move_to_end(key)
        self.hits += 1
        CACHE_HITS.inc()
        return answer

    def holds(self, key: str) -> bool:
        """Whether an answer is kept under ``key`` (not a lookup: nothing is counted, nothing moves)."""
        return key in self._answers

    def count_miss(self) -> None:
        """A lookup known to miss without a ``get`` (the caller checked ``holds``)."""
        self.misses += 1
        CACHE_MISSES.inc()

    def gzipped(self, key: str, answer: CachedAnswer) -> bytes:
        """``answer``'s body gzip-coded, compressed once and kept with it (its bytes count against the budget)."""
        if answer.gzipped is None:
            answer.gzipped = gzip_body(answer.body)
            if self._answers.get(key) is answer:
                self.size += len(answer.gzipped)
                self._shrink()
        return answer.gzipped

    def put(self, key: str, answer: CachedAnswer) -> None:
        """Keep ``answer`` (an answer larger than the whole budget is not kept), dropping the least recently
        used ones as the budget needs."""
        if len(answer.body) > self.max_bytes or key in self._answers:
            return
        self._answers[key] = answer
        self.size += answer.size
        self._shrink()

    def _shrink(self) -> None:
        """Drop the least recently used answers until the budget holds."""
        while self.size > self.max_bytes and self._answers:
            _, dropped = self._answers.popitem(last=False)
            self.size -= dropped.size

    def __len__(self) -> int:
        return len(self._answers)
