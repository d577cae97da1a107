"""Search requests (協尋): only the registering side opens one, a person cannot be found before the
search was opened, a user without a unit sees none."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jingmin.people.actions import search as actions
from jingmin.people.models import SearchRequest, SearchStatus
from jingmin.people.testing import make_person


def test_only_the_registering_side_opens_a_search(w):
    person = make_person(w.inside["beat_officer"], w.beat)
    with pytest.raises(PermissionDenied):
        actions.open_search(acting_user=w.outside["station_chief"], person=person)
    with pytest.raises(PermissionDenied):
        actions.open_search(acting_user=w.inside["investigator"], person=person)


def test_found_before_opened_is_refused(w):
    person = make_person(w.inside["beat_officer"], w.beat)
    search = actions.open_search(acting_user=w.inside["beat_officer"], person=person)
    with pytest.raises(ValidationError) as exc:
        actions.report_found(
            acting_user=w.outside["beat_officer"],
            search=search,
            data={"found_at": (search.opened_at - dt.timedelta(days=1)).isoformat(), "found_where": "x"},
        )
    assert "found_at" in exc.value.message_dict
    assert SearchRequest.objects.get(pk=search.pk).status == SearchStatus.OPEN


def test_nounit_user_sees_no_search(client, w):
    person = make_person(w.inside["beat_officer"], w.beat)
    actions.open_search(acting_user=w.inside["beat_officer"], person=person)
    client.force_login(w.nounit)
    assert client.get("/api/v1/search-requests").json()["count"] == 0
