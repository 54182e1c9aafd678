"""Headers for a CDN in front of the read API: how long answers may be kept and served stale, and which actors
and policies an answer names, so a purge after a write can be precise.

`Surrogate-Key` (Fastly, space-separated) and `Cache-Tag` (Cloudflare, comma-separated) carry the same keys:
`positions` on every answer (purge everything), `actor:<slug>` and `policy:<slug>` for each actor and policy the
answer mentions (speakers of its evidence included). Past ``KEY_BUDGET`` bytes only `positions` and the keys that
fit are sent, so a very large answer is still purged by the global key.
"""

from collections.abc import Iterator

import msgspec

from api.refs import ActorRef, PolicyRef
from api.settings import Settings

GLOBAL_KEY = "positions"
KEY_BUDGET = 8000
"""Bytes of keys per header: both CDNs accept about 16 KB in all."""


def cache_control(settings: Settings) -> str:
    """`Cache-Control` of comparison answers: fresh for `max-age`, then served stale while the CDN revalidates
    (its ETag makes that a 304) or while the API is failing."""
    return (
        f"public, max-age={settings.cdn_max_age}, stale-while-revalidate={settings.cdn_stale_while_revalidate}, "
        f"stale-if-error={settings.cdn_stale_if_error}"
    )


def _refs(value: object) -> Iterator[ActorRef | PolicyRef]:
    if isinstance(value, ActorRef | PolicyRef):
        yield value
    elif isinstance(value, msgspec.Struct):
        for name in value.__struct_fields__:
            yield from _refs(getattr(value, name))
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def surrogate_keys(body: object) -> list[str]:
    """`positions`, then `actor:` and `policy:` keys of every actor and policy the answer names, in first-seen
    order, cut to ``KEY_BUDGET`` bytes."""
    keys = dict.fromkeys([GLOBAL_KEY])
    for ref in _refs(body):
        keys[f"actor:{ref.slug}" if isinstance(ref, ActorRef) else f"policy:{ref.slug}"] = None
    kept: list[str] = []
    size = 0
    for key in keys:
        size += len(key) + 1
        if size > KEY_BUDGET:
            break
        kept.append(key)
    return kept


def purge_headers(body: object) -> dict[str, str]:
    keys = surrogate_keys(body)
    return {"Surrogate-Key": " ".join(keys), "Cache-Tag": ",".join(keys)}
