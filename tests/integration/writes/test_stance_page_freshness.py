"""The dashboard's stance page after corrections: its validator follows everything it shows (a corrected quote is
a new page, never a 304 for the old one), and markup in stored text is shown as text, never as markup."""

from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]
SLUG = "edi-rama-on-uk-return-hubs-2025-05-15"


async def correct_first_quote(writer: Client, editor: dict[str, str], text: str) -> None:
    stance = (await writer.get(f"/v1/stances/{SLUG}")).json()
    evidence = stance["evidence"][0]["slug"]
    current = await writer.get(f"/v1/evidence/{evidence}")
    fixed = await writer.patch(
        f"/v1/evidence/{evidence}", json={"text": text}, headers=editor | {"If-Match": current.headers["etag"]}
    )
    assert fixed.status_code == 200, fixed.text


async def test_a_corrected_quote_makes_a_new_page_not_a_304(writer: Client, editor: dict[str, str]) -> None:
    first = await writer.get(f"/dashboard/stances/{SLUG}")
    await correct_first_quote(writer, editor, "A corrected quotation, fixed by the desk.")
    again = await writer.get(f"/dashboard/stances/{SLUG}", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 200
    assert "A corrected quotation, fixed by the desk." in again.text
    assert again.headers["etag"] != first.headers["etag"]
    unchanged = await writer.get(f"/dashboard/stances/{SLUG}", headers={"If-None-Match": again.headers["etag"]})
    assert unchanged.status_code == 304


async def test_markup_in_a_stored_quote_is_shown_as_text(writer: Client, editor: dict[str, str]) -> None:
    await correct_first_quote(writer, editor, 'He said </script><script>alert(1)</script> and <b>"more"</b>')
    page = (await writer.get(f"/dashboard/stances/{SLUG}")).text
    assert "<script>alert(1)" not in page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the visible quote
    assert "\\u003c/script\\u003e" in page  # inside the embedded JSON-LD
