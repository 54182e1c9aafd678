"""A small Popolo file made for the tests: 3 persons, 2 parties, 1 legislature, memberships with dates."""

from typing import Any

SAMPLE: dict[str, Any] = {
    "persons": [
        {
            "id": "person/10001",
            "name": "Ann Example",
            "other_names": [{"name": "Annie Example"}, {"name": "A. Example"}],
            "identifiers": [{"scheme": "parlparse", "identifier": "uk.org.publicwhip/person/10001"}],
        },
        {
            "id": "person/10002",
            "name": "Bob Sample",
            "identifiers": [{"scheme": "wikidata", "identifier": "Q100002"}],
        },
        {"id": "person/10003", "name": "Ann Example", "other_names": [{"name": "Ann Example (Leeds)"}]},
    ],
    "organizations": [
        {"id": "party/red", "name": "Red Party", "classification": "party"},
        {
            "id": "party/blue",
            "name": "Blue Party",
            "classification": "party",
            "identifiers": [{"scheme": "wikidata", "identifier": "Q200002"}],
        },
        {"id": "house-of-commons", "name": "House of Commons", "classification": "legislature"},
    ],
    "memberships": [
        {
            "person_id": "person/10001",
            "organization_id": "house-of-commons",
            "on_behalf_of_id": "party/red",
            "post_id": "hackney-south",
            "role": "Member of Parliament",
            "start_date": "2010-05-06",
            "end_date": "2015-03-30",
        },
        {
            "person_id": "person/10001",
            "organization_id": "house-of-commons",
            "on_behalf_of_id": "party/red",
            "post_id": "hackney-south",
            "role": "Member of Parliament",
            "start_date": "2015-05-07",
        },
        {
            "person_id": "person/10002",
            "organization_id": "house-of-commons",
            "on_behalf_of_id": "party/blue",
            "role": "Member of Parliament",
            "start_date": "2017-06-08",
            "end_date": "2019-11-06",
        },
        {"person_id": "person/10003", "organization_id": "party/blue", "role": "Treasurer", "start_date": "2018-01-01"},
    ],
}
