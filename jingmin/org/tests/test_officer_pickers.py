"""Pickers of officers list police officers only: a community partner (里長) or a social-services
liaison has a profile in a unit but is never offered as a trainee, and cannot be recorded as one."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from jingmin.org import actions
from jingmin.org.models import Officer


def test_police_excludes_partners_and_inactive(w):
    police = set(Officer.objects.police().values_list("user__username", flat=True))
    assert w.inside["beat_officer"].username in police
    assert w.inside["community_partner"].username not in police
    assert w.inside["social_liaison"].username not in police
    user = w.inside["investigator"]
    user.is_active = False
    user.save()
    assert user.username not in set(Officer.objects.police().values_list("user__username", flat=True))


def test_training_attendance_offers_officers_only(client, w):
    chief = w.inside["station_chief"]
    session = actions.create_training_session(
        acting_user=chief, unit=w.station, topic="防詐", held_on=dt.date(2026, 11, 2), hours=2
    )
    client.force_login(chief)
    page = client.get(f"/org/training/{session.pk}/")
    choices = {o.user.username for o in page.context["form"].fields["attendees"].queryset}
    assert w.inside["beat_officer"].username in choices
    assert w.inside["community_partner"].username not in choices
    partner = w.inside["community_partner"].officer
    with pytest.raises(ValidationError):
        actions.set_attendance(acting_user=chief, session=session, officers=[partner])
    assert not session.attendances.exists()
