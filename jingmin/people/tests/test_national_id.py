"""ID numbers: validation (citizen, old and new resident certificates), encryption round-trip and key
rotation, blind-index search, masking per role."""

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.test import override_settings

from jingmin.org import crypto
from jingmin.people import national_id
from jingmin.people.models import Person
from jingmin.people.testing import make_person


@pytest.mark.parametrize(
    "value,kind",
    [
        ("A123456789", "citizen"),
        ("a123456789", "citizen"),
        ("AA00000009", "resident-old"),
        ("A800000014", "resident-new"),
    ],
)
def test_valid_numbers(value, kind):
    assert national_id.validate(value) == value.upper()
    assert national_id.kind(value) == kind


@pytest.mark.parametrize(
    "value", ["A123456788", "A323456789", "1234567890", "A12345678", "AE00000001", "A80000001X", ""]
)
def test_invalid_numbers(value):
    with pytest.raises(Exception):  # noqa: B017 - django ValidationError
        national_id.validate(value)


def test_every_prefix_has_exactly_one_check_digit():
    for prefix in ["A12345678", "Z20000000", "AB1234567", "K9876543_"[:9].replace("_", "0")]:
        digit = national_id.check_digit(prefix)
        assert [national_id.checksum_ok(prefix + str(d)) for d in range(10)].count(True) == 1
        assert national_id.checksum_ok(prefix + digit)


def test_mask():
    assert national_id.mask("A123456789") == "A12****789"


def test_stored_encrypted_and_found_by_blind_index(w):
    person = make_person(w.inside["beat_officer"], w.beat, national_id="A123456789")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT national_id_enc, national_id_index FROM people_person WHERE id = %s", [person.pk]
        )
        enc, index = cursor.fetchone()
    assert "A123456789" not in enc and "A123456789" not in index
    assert Person.objects.get(pk=person.pk).national_id == "A123456789"
    assert list(Person.find_by_national_id("a123456789 ")) == [person]
    assert not Person.find_by_national_id("B123456780").exists()


def test_key_rotation_keeps_data_readable(w):
    person = make_person(w.inside["beat_officer"], w.beat, national_id="A123456789")
    old_key = crypto._configured_keys()[0]
    new_key = Fernet.generate_key().decode()
    with override_settings(FERNET_KEYS=[new_key, old_key]):
        assert Person.objects.get(pk=person.pk).national_id == "A123456789"
        rotated = crypto.rotate(person.national_id_enc)
        Person.objects.filter(pk=person.pk).update(national_id_enc=rotated)
    with override_settings(FERNET_KEYS=[new_key]):
        assert Person.objects.get(pk=person.pk).national_id == "A123456789"
        # the blind index does not depend on the encryption keys
        assert Person.find_by_national_id("A123456789").exists()


@pytest.mark.parametrize(
    "role,masked",
    [
        ("beat_officer", False),
        ("station_chief", False),
        ("precinct_officer", False),
        ("administrator", False),
        ("bureau_analyst", True),
    ],
)
def test_masking_per_role(client, w, role, masked):
    """Lists (page and API) always mask; the record opened with a reason shows the whole ID to roles that may."""
    person = make_person(w.inside["beat_officer"], w.beat, national_id="A123456789")
    client.force_login(w.inside[role])
    page = client.get("/people/?national_id=A123456789").content.decode()
    api = client.get("/api/v1/persons?national_id=A123456789").json()
    assert api["count"] == 1
    assert api["results"][0]["national_id"] == "A12****789"
    table = page[page.index("<tbody>") : page.index("</tbody>")]  # (the search box keeps what was typed)
    assert "A12****789" in table and "A123456789" not in table
    assert person.national_id_for(w.inside[role]) == "A12****789"
    detail = client.get(f"/api/v1/persons/{person.pk}?reason=勤區查察訪問").json()
    record = client.get(f"/people/{person.pk}/?reason=beat-visit").content.decode()
    assert detail["national_id"] == ("A12****789" if masked else "A123456789")
    assert ("A123456789" in record) is (not masked)


@pytest.mark.parametrize("role", ["investigator", "social_liaison", "community_partner"])
def test_roles_without_person_access_see_no_numbers(client, w, role):
    make_person(w.inside["beat_officer"], w.beat, national_id="A123456789")
    client.force_login(w.inside[role])
    assert client.get("/people/").status_code == 403
    assert client.get("/api/v1/persons?national_id=A123456789").status_code == 403
