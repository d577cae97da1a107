"""Person form: the household and registered-unit pickers offer only what the user may see; anything else
is refused with a translated field error and nothing is written; a change is audited by the action."""

import datetime as dt

import pytest
from django.utils import timezone

from jingmin.audit.models import AuditEvent
from jingmin.org import roles
from jingmin.people.actions import create_household
from jingmin.people.models import Person
from jingmin.people.testing import make_person, new_id
from jingmin.test import point_in

MANAGERS = [roles.BEAT_OFFICER, roles.STATION_CHIEF, roles.PRECINCT_OFFICER, roles.ADMINISTRATOR]
OTHERS = [r for r in roles.ROLES if r not in MANAGERS]


@pytest.fixture
def homes(w):
    def make(user, unit, address):
        lat, lon = point_in(unit)
        return create_household(acting_user=user, data={"address": address, "lat": lat, "lon": lon})

    return {
        "inside": make(w.inside["beat_officer"], w.beat, "測試路1號"),
        "outside": make(w.outside["beat_officer"], w.other_beat, "測試路99號"),
    }


def side(w, where):
    return (w.inside, w.beat, w.other_beat) if where == "inside" else (w.outside, w.other_beat, w.beat)


def form_data(unit, **extra):
    lat, lon = point_in(unit)
    data = {
        "kind": "concern",
        "category": "theft",
        "name": "選擇測試",
        "national_id": new_id(),
        "lat": lat,
        "lon": lon,
        "sentence_end": (timezone.localdate() - dt.timedelta(days=30)).isoformat(),
        "household": "",
        "registered_unit": "",
    }
    data.update(extra)
    return data


def counts():
    return Person.objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize("where", ["inside", "outside"])
@pytest.mark.parametrize("role", MANAGERS)
def test_pickers_offer_only_visible_choices(client, w, homes, role, where):
    users, own_beat, other_beat = side(w, where)
    user = users[role]
    client.force_login(user)
    form = client.get("/people/new/").context["form"]
    households = dict(form.fields["household"].widget.choices)
    units = dict(form.fields["registered_unit"].widget.choices)
    mine, theirs = homes[where], homes["outside" if where == "inside" else "inside"]
    assert str(mine.pk) in households and own_beat.code in units
    if user.is_superuser:  # the demo administrator works at the bureau: the whole city
        assert str(theirs.pk) in households and other_beat.code in units
    else:
        assert str(theirs.pk) not in households and other_beat.code not in units


@pytest.mark.parametrize("where", ["inside", "outside"])
@pytest.mark.parametrize("role", MANAGERS)
def test_pick_visible_household_and_unit(client, w, homes, role, where):
    users, own_beat, _ = side(w, where)
    client.force_login(users[role])
    r = client.post(
        "/people/new/", form_data(own_beat, household=homes[where].pk, registered_unit=own_beat.code)
    )
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    person = Person.objects.get(pk=int(r["Location"].split("/")[2]))
    assert person.household == homes[where] and person.registered_unit == own_beat
    event = AuditEvent.objects.last()
    assert (event.action, event.object_id) == ("people.create_person", str(person.pk))


# the inside administrator is the demo superuser, whose jurisdiction is the whole city: no "other" side
REFUSE_CASES = [
    (r, wh) for r in MANAGERS for wh in ("inside", "outside") if (r, wh) != ("administrator", "inside")
]


@pytest.mark.parametrize("role,where", REFUSE_CASES)
def test_refuse_household_and_unit_of_another_jurisdiction(client, w, homes, role, where):
    users, own_beat, other_beat = side(w, where)
    user = users[role]
    assert not user.is_superuser
    client.force_login(user)
    theirs = homes["outside" if where == "inside" else "inside"]
    before = counts()
    r = client.post("/people/new/", form_data(own_beat, household=theirs.pk, registered_unit=other_beat.code))
    assert r.status_code == 200
    errors = r.context["form"].errors
    assert errors["household"] == ["未知的戶。"]
    assert errors["registered_unit"] == ["此單位不在您的轄區內。"]
    assert counts() == before


@pytest.mark.parametrize("role", OTHERS)
def test_roles_without_people_manage_get_403(client, w, homes, role):
    client.force_login(w.inside[role])
    assert client.get("/people/new/").status_code == 403
    before = counts()
    assert client.post("/people/new/", form_data(w.beat, household=homes["inside"].pk)).status_code == 403
    assert counts() == before


@pytest.mark.parametrize("value", ["abc", "-1", "9" * 40, "0", "1.5", "'; DROP TABLE x; --"])
def test_bad_household_values(client, w, homes, value):
    client.force_login(w.inside["station_chief"])
    before = counts()
    r = client.post("/people/new/", form_data(w.beat, household=value), HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    assert r.context["form"].errors["household"] == ["Unknown household."]
    assert counts() == before


@pytest.mark.parametrize("value", ["NOPE", "x" * 500, "TNPD-P05-S01-B99"])
def test_bad_unit_values(client, w, value):
    client.force_login(w.inside["station_chief"])
    before = counts()
    r = client.post("/people/new/", form_data(w.beat, registered_unit=value))
    assert r.status_code == 200
    assert r.context["form"].errors["registered_unit"] == ["未知的單位。"]
    assert counts() == before


def test_edit_changes_household_and_audits_only_real_changes(client, w, homes):
    officer = w.inside["beat_officer"]
    person = make_person(officer, w.beat)
    client.force_login(officer)
    page = client.get(f"/people/{person.pk}/edit/")
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    for key in ("birth_date", "sentence_end", "parole_release", "parole_revoked_on"):
        if data.get(key):
            data[key] = data[key].isoformat()
    assert data["registered_unit"] == w.beat.code and data["household"] == ""
    r = client.post(f"/people/{person.pk}/edit/", data)  # nothing changed
    assert r.status_code == 302
    assert AuditEvent.objects.last().extra["changed"] == []
    r = client.post(f"/people/{person.pk}/edit/", {**data, "household": homes["inside"].pk})
    assert r.status_code == 302
    person.refresh_from_db()
    assert person.household == homes["inside"]
    event = AuditEvent.objects.last()
    assert (event.action, event.extra["changed"]) == ("people.update_person", ["household"])
    # the household picker now shows it selected, and it can be cleared again
    page = client.get(f"/people/{person.pk}/edit/")
    assert page.context["form"].initial["household"] == str(homes["inside"].pk)
    r = client.post(f"/people/{person.pk}/edit/", {**data, "household": ""})
    person.refresh_from_db()
    assert person.household is None and AuditEvent.objects.last().extra["changed"] == ["household"]


def test_visiting_beat_keeps_a_registered_unit_outside_its_jurisdiction(client, w):
    """A person registered in beat 1 who lives in beat 2: beat 2's officer may edit the record and keep
    the registered unit (shown in the picker), but cannot move it to another unit outside beat 2."""
    from jingmin.test import make_user

    person = make_person(w.inside["station_chief"], w.beat2, registered_unit=w.beat.code)
    assert person.unit == w.beat2 and person.registered_unit == w.beat
    beat2_officer = make_user("picker-beat2", roles.BEAT_OFFICER, w.beat2)
    client.force_login(beat2_officer)
    page = client.get(f"/people/{person.pk}/edit/")
    form = page.context["form"]
    assert w.beat.code in dict(form.fields["registered_unit"].widget.choices)
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["sentence_end"] = data["sentence_end"].isoformat()
    data["notes"] = "已查訪"
    assert client.post(f"/people/{person.pk}/edit/", data).status_code == 302
    r = client.post(f"/people/{person.pk}/edit/", {**data, "registered_unit": w.station.code})
    assert r.context["form"].errors["registered_unit"] == ["此單位不在您的轄區內。"]
