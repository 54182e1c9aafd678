"""Headers for a CDN in front of the read API: how long answers may be kept and served stale, and which actors
and policies an answer names, so a purge after a write can be precise.

`Surrogate-Key` (Fastly, space-separated) and `Cache-Tag` (Cloudflare, comma-separated) carry the same keys:
`positions` on every answer (purge everything), `actor:<slug>` and `policy:<slug>` for each actor and policy the
answer compares (not the speakers inside its evidence: a change to one is purged with `positions`). Past
``KEY_BUDGET`` bytes only `positions` and the keys that fit are sent, so a very large answer is still purged by
the global key. An endpoint that knows the refs its answer names (from the rows it read) passes them instead of
having the answer walked.
"""

import functools
from collections.abc import Iterable

import msgspec
import msgspec.inspect

from api.refs import ActorRef, PolicyRef
from api.settings import Settings

GLOBAL_KEY = "positions"
NOT_WALKED = frozenset({"evidence", "strength"})
"""Fields not walked for keys: a stance's evidence (its speakers are left to the `positions` key) and strength
figures, which name nobody; walking every evidence item cost more than computing the answer."""
KEY_BUDGET = 8000
"""Bytes of keys per header: both CDNs accept about 16 KB in all."""


def cache_control(settings: Settings) -> str:
    """`Cache-Control` of comparison answers: fresh for `max-age`, then served stale while the CDN revalidates
    (its ETag makes that a 304) or while the API is failing."""
    return (
        f"public, max-age={settings.cdn_max_age}, stale-while-revalidate={settings.cdn_stale_while_revalidate}, "
        f"stale-if-error={settings.cdn_stale_if_error}"
    )


def _may_hold_refs(info: msgspec.inspect.Type) -> bool:
    """Whether a field of this type can hold an ActorRef or PolicyRef (directly or nested)."""
    if isinstance(info, msgspec.inspect.StructType):
        return True
    if isinstance(info, msgspec.inspect.ListType):
        return _may_hold_refs(info.item_type)
    if isinstance(info, msgspec.inspect.UnionType):
        return any(_may_hold_refs(member) for member in info.types)
    return False


@functools.cache
def _walked_fields(cls: type[msgspec.Struct]) -> tuple[str, ...]:
    """The fields of a Struct type worth walking: those that may hold refs (never strings, numbers or dates)."""
    info = msgspec.inspect.type_info(cls)
    if not isinstance(info, msgspec.inspect.StructType):
        return ()
    return tuple(field.name for field in info.fields if field.name not in NOT_WALKED and _may_hold_refs(field.type))


def _refs(body: object) -> list[ActorRef | PolicyRef]:
    """Every ActorRef and PolicyRef in ``body``, in document order (an explicit stack: answers are deep)."""
    found: list[ActorRef | PolicyRef] = []
    stack = [body]
    while stack:
        value = stack.pop()
        if isinstance(value, ActorRef | PolicyRef):
            found.append(value)
        elif isinstance(value, msgspec.Struct):
            stack.extend(reversed([getattr(value, name) for name in _walked_fields(type(value))]))
        elif isinstance(value, list):
            stack.extend(reversed(value))
    return found


def surrogate_keys(body: object) -> list[str]:
    """`positions`, then `actor:` and `policy:` keys of every actor and policy the answer names, in first-seen
    order, cut to ``KEY_BUDGET`` bytes."""
    return keys_of(_refs(body))


def keys_of(refs: Iterable[ActorRef | PolicyRef]) -> list[str]:
    """`positions`, then the keys of ``refs`` in first-seen order, cut to ``KEY_BUDGET`` bytes."""
    keys = dict.fromkeys([GLOBAL_KEY])
    for ref in refs:
        keys[f"actor:{ref.slug}" if isinstance(ref, ActorRef) else f"policy:{ref.slug}"] = None
    kept: list[str] = []
    size = 0
    for key in keys:
        size += len(key) + 1
        if size > KEY_BUDGET:
            break
        kept.append(key)
    return kept


def purge_headers(body: object, refs: Iterable[ActorRef | PolicyRef] | None = None) -> dict[str, str]:
    """The purge headers of ``body``: from ``refs`` when the caller knows what it names (cheaper than a walk)."""
    keys = surrogate_keys(body) if refs is None else keys_of(refs)
    return {"Surrogate-Key": " ".join(keys), "Cache-Tag": ",".join(keys)}
