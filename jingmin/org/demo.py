"""The Tainan demo: real districts and villages, demo stations and beats, one user of each role.

Stations and beats here are *demo units* (named so): each precinct's villages are grouped into
stations of 4–8 villages in code order, one beat per village. Real bureaus import their own
units with ``jingmin import units FILE``. Running the demo twice changes nothing. The
orchestrator (:mod:`jingmin.demo`) runs this first, then every other app's ``demo.load(world)``.
"""

import csv
import datetime as dt
import io
from decimal import Decimal

import numpy as np
from django.db import transaction

from jingmin.audit import log as audit
from jingmin.org import roles
from jingmin.org.actions import create_user, ensure_role_groups
from jingmin.org.importer import PRECINCTS_FILE, UNIT_FIELDS, import_units, load_geography
from jingmin.org.models import Officer, TrainingAttendance, TrainingSession, Unit, Village

DEMO_PASSWORD = "jingmin-demo"
DEMO_PRECINCT = "TNPD-P05"  # 第五分局 (北區)


def demo_unit_rows():
    """CSV text of the bureau, the 16 precincts and the derived demo stations and beats."""
    precinct_rows = list(csv.DictReader(PRECINCTS_FILE.read_text(encoding="utf-8").splitlines()))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=UNIT_FIELDS)
    writer.writeheader()
    for row in precinct_rows:
        writer.writerow({k: row.get(k, "") for k in UNIT_FIELDS})
    for row in precinct_rows:
        if row["kind"] != "precinct":
            continue
        names = [n for n in row["districts"].split(";") if n]
        villages = list(
            Village.objects.filter(district__name__in=names)
            .order_by("district__code", "code")
            .values_list("code", "name", "name_en")
        )
        n_stations = max(1, int(np.ceil(len(villages) / 6)))
        for s, group in enumerate(np.array_split(np.arange(len(villages)), n_stations), start=1):
            station = f"{row['code']}-S{s:02d}"
            writer.writerow(
                {
                    "code": station,
                    "name": f"{row['name']}示範派出所{s:02d}",
                    "name_en": f"{row['name_en']} demo station {s:02d}",
                    "kind": "station",
                    "parent": row["code"],
                    "districts": "",
                    "villages": "",
                }
            )
            for b, i in enumerate(group, start=1):
                vcode, vname, vname_en = villages[i]
                writer.writerow(
                    {
                        "code": f"{station}-B{b:02d}",
                        "name": f"{vname}警勤區",
                        "name_en": f"{vname_en.replace(' Vil.', '')} beat",
                        "kind": "beat",
                        "parent": station,
                        "districts": "",
                        "villages": vcode,
                    }
                )
    return out.getvalue()


DEMO_USERS = [
    # username, roles, unit selector, name
    ("demo-admin", [roles.ADMINISTRATOR], "bureau", "系統管理員"),
    ("demo-analyst", [roles.BUREAU_ANALYST], "bureau", "分析員"),
    ("demo-precinct", [roles.PRECINCT_OFFICER], "precinct", "分局承辦人"),
    ("demo-chief", [roles.STATION_CHIEF], "station", "派出所所長"),
    ("demo-beat", [roles.BEAT_OFFICER], "beat1", "警勤區員警甲"),
    ("demo-beat2", [roles.BEAT_OFFICER], "beat2", "警勤區員警乙"),
    ("demo-investigator", [roles.INVESTIGATOR], "precinct", "偵查員"),
    ("demo-liaison", [roles.SOCIAL_LIAISON], "precinct", "社安網聯繫窗口"),
    ("demo-partner", [roles.COMMUNITY_PARTNER], "station", "里長夥伴"),
]


def demo_units():
    bureau = Unit.objects.get(code="TNPD")
    precinct = Unit.objects.get(code=DEMO_PRECINCT)
    station = Unit.objects.get(code=f"{DEMO_PRECINCT}-S01")
    beats = list(station.children.order_by("code")[:2])
    return {"bureau": bureau, "precinct": precinct, "station": station, "beat1": beats[0], "beat2": beats[1]}


@transaction.atomic
def load(world):
    """The jurisdiction tree (real geography, demo units), one account per role, training records."""
    load_geography()
    import_units(demo_unit_rows(), "demo-units.csv", demo=True)
    ensure_role_groups()
    units = demo_units()
    created = []
    for number, (username, role_codes, selector, name) in enumerate(DEMO_USERS, start=1):
        user, made = create_user(
            acting_user=None,
            username=username,
            password=DEMO_PASSWORD,
            unit=units[selector],
            role_codes=role_codes,
            first_name=name,
            badge_number=f"D{number:05d}",
            phone=f"06-2000-{number:04d}",
            title=str(roles.ROLE_LABELS[role_codes[0]]),
            is_superuser=username == "demo-admin",
            demo=True,
        )
        if made:
            created.append(username)
    _demo_training(units)
    world.units.update(units)
    if created:
        audit.record("org.load_demo", obj=("org.demo", "tainan"), extra={"users": created})
    return units


def _demo_training(units):
    station = units["station"]
    chief = Officer.objects.get(user__username="demo-chief")
    today = dt.date(2026, 10, 15)
    topics = [
        ("社區警政再出發：勤區查察實務", today - dt.timedelta(days=30), Decimal("3.0")),
        ("識詐反詐：臨櫃關懷提問", today, Decimal("2.0")),
    ]
    for topic, held_on, hours in topics:
        session, made = TrainingSession.objects.get_or_create(
            unit=station,
            topic=topic,
            held_on=held_on,
            defaults={"hours": hours, "trainer": "防治科", "created_by": chief.user},
        )
        if made:
            for officer in Officer.objects.filter(unit__path__startswith=station.path):
                TrainingAttendance.objects.create(session=session, officer=officer, completed=held_on < today)
