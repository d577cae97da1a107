"""The visit window length is a people setting (people.Config); notices are made by people's own action,
which refuses a kind it does not know."""

import datetime as dt

import pytest

from jingmin.people.actions.notices import send_notice
from jingmin.people.models import Config, Notice, NoticeKind
from jingmin.people.testing import make_person


def test_window_length_comes_from_the_people_settings(w):
    officer = w.inside["beat_officer"]
    assert make_person(officer, w.beat, sentence_end="2024-01-10").window_end == dt.date(2027, 1, 10)
    Config.objects.update_or_create(pk=1, defaults={"concern_window_years": 2})
    assert make_person(officer, w.beat, sentence_end="2024-01-10").window_end == dt.date(2026, 1, 10)


def test_settings_row_seeded_with_three_years(w):
    assert Config.get().concern_window_years == 3


def test_a_person_registered_elsewhere_brings_a_residence_notice(w):
    person = make_person(w.inside["station_chief"], w.beat, registered_unit=w.beat2.code)
    notice = Notice.objects.get(person=person)
    assert notice.unit == w.beat and notice.from_unit == w.beat2 and notice.kind == NoticeKind.RESIDENCE


def test_send_notice_refuses_an_unknown_kind(w):
    person = make_person(w.inside["beat_officer"], w.beat)
    with pytest.raises(ValueError):
        send_notice(unit=w.beat, kind="gossip", person=person, text="x")
    assert not Notice.objects.filter(person=person).exists()
