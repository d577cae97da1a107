"""A household lists only the members its reader may see: a person moved to another precinct is no
longer named under the old address, on the page or in the API."""

from jingmin.people import actions
from jingmin.people.models import Person
from jingmin.people.testing import make_person
from jingmin.test import point_in


def household_with_two(w):
    lat, lon = point_in(w.beat)
    household = actions.create_household(
        acting_user=w.inside["station_chief"], data={"address": "開元路1號", "lat": lat, "lon": lon}
    )
    stays = make_person(w.inside["beat_officer"], w.beat, name="留下者")
    moved = make_person(w.inside["beat_officer"], w.beat, name="遷出者")
    Person.objects.filter(pk__in=[stays.pk, moved.pk]).update(household=household)
    Person.objects.filter(pk=moved.pk).update(unit=w.other_beat, registered_unit=w.other_beat)  # moved away
    return household, stays, moved


def test_moved_member_is_not_listed_in_the_old_household(client, w):
    household, stays, moved = household_with_two(w)
    client.force_login(w.inside["station_chief"])
    page = client.get(f"/people/households/{household.pk}/").content.decode()
    assert stays.name in page and moved.name not in page
    api = client.get(f"/api/v1/households/{household.pk}").json()
    assert [m["id"] for m in api["members"]] == [stays.pk]
    person_page = client.get(f"/people/{stays.pk}/?reason=beat-visit").content.decode()
    assert moved.name not in person_page


def test_the_new_precinct_sees_the_moved_member(client, w):
    household, stays, moved = household_with_two(w)
    client.force_login(w.outside["station_chief"])
    assert client.get(f"/people/{moved.pk}/?reason=beat-visit").status_code == 200
    assert client.get(f"/people/households/{household.pk}/").status_code == 404
