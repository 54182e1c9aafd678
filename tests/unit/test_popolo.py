"""Popolo to bundle records: slugs, kinds, aliases, identifiers, roles, and the problems named."""

import json

import pytest

from api.imports.bundle import ActorRecord, RoleRecord
from api.imports.popolo import Existing, KnownActor, PopoloError, popolo_records, slugify
from tests.popolo_sample import SAMPLE


def test_slugs_are_read_from_names_and_repeats_numbered_in_file_order() -> None:
    assert slugify("Ann  Example") == "ann-example"
    assert slugify("Dáithí Ó Sé") == "daithi-o-se"
    assert slugify("!!!") == "actor"
    bundle = popolo_records(json.dumps(SAMPLE).encode(), Existing())
    actors = [record for record in bundle.records if isinstance(record, ActorRecord)]
    assert [actor.slug for actor in actors] == [
        "ann-example", "bob-sample", "ann-example-2", "red-party", "blue-party", "house-of-commons",
    ]  # fmt: skip
    assert [actor.kind.value for actor in actors] == [
        "person", "person", "person", "party", "party", "organisation",
    ]  # fmt: skip
    assert actors[0].aliases == ["Annie Example", "A. Example"]
    assert [(i.scheme, i.identifier) for i in actors[0].identifiers] == [
        ("popolo", "person/10001"),
        ("parlparse", "uk.org.publicwhip/person/10001"),
    ]


def test_memberships_become_roles_with_the_party_and_the_post() -> None:
    bundle = popolo_records(json.dumps(SAMPLE).encode(), Existing())
    roles = [
        (r.actor, r.title, r.organisation, str(r.started_on), str(r.ended_on))
        for r in bundle.records
        if isinstance(r, RoleRecord)
    ]
    assert roles == [
        ("ann-example", "Member of Parliament (post: hackney-south)", "house-of-commons", "2010-05-06", "2015-03-30"),
        ("ann-example", "Member", "red-party", "2010-05-06", "2015-03-30"),
        ("ann-example", "Member of Parliament (post: hackney-south)", "house-of-commons", "2015-05-07", "None"),
        ("ann-example", "Member", "red-party", "2015-05-07", "None"),
        ("bob-sample", "Member of Parliament", "house-of-commons", "2017-06-08", "2019-11-06"),
        ("bob-sample", "Member", "blue-party", "2017-06-08", "2019-11-06"),
        ("ann-example-2", "Treasurer", "blue-party", "2018-01-01", "None"),
    ]
    assert bundle.origin(8) == "memberships[0]"


def test_known_popolo_ids_keep_their_slugs_and_other_actors_slugs_are_not_taken() -> None:
    existing = Existing(
        by_slug={
            "ann-example": KnownActor("Ann Example", "person", None),  # same name and kind: the same actor
            "bob-sample": KnownActor("Bob Sample", "party", None),  # another actor: not overwritten
            "robert": KnownActor("Bob Sample", "person", "person/10002"),
        },
        by_popolo_id={"person/10002": "robert"},
    )
    bundle = popolo_records(json.dumps(SAMPLE).encode(), existing)
    slugs = [record.slug for record in bundle.records if isinstance(record, ActorRecord)]
    assert slugs[:3] == ["ann-example", "robert", "ann-example-2"]


def test_dates_at_year_or_month_precision_cover_the_period() -> None:
    document = {
        "persons": [{"id": "p", "name": "P"}],
        "organizations": [{"id": "o", "name": "O"}],
        "memberships": [{"person_id": "p", "organization_id": "o", "start_date": "2010", "end_date": "2012-02"}],
    }
    role = popolo_records(json.dumps(document).encode(), Existing()).records[-1]
    assert isinstance(role, RoleRecord)
    assert (str(role.started_on), str(role.ended_on), role.title) == ("2010-01-01", "2012-02-29", "Member")


def test_every_problem_is_named() -> None:
    document = {
        "persons": [{"id": "p", "name": "P"}, {"id": "p", "name": "Q"}],
        "organizations": [{"id": "o", "name": "O"}],
        "memberships": [
            {"person_id": "x", "organization_id": "o"},
            {"person_id": "p", "organization_id": "y", "on_behalf_of_id": "o", "start_date": "2010-13-01"},
        ],
    }
    with pytest.raises(PopoloError) as raised:
        popolo_records(json.dumps(document).encode(), Existing())
    assert raised.value.problems == [
        "persons[1] (id p): the id is used twice",
        "memberships[0]: person_id 'x' is not a person in the file",
        "memberships[1]: organization_id 'y' is not an organization in the file",
        "memberships[1]: on_behalf_of_id 'o' is not an organization of classification party",
        "memberships[1]: not a date: '2010-13-01'",
    ]
    with pytest.raises(PopoloError, match="not Popolo JSON"):
        popolo_records(b'{"persons": {}}', Existing())
