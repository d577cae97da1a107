from django.db import migrations

ROLES = ["bureau_analyst", "precinct_officer", "station_chief", "beat_officer", "investigator",
         "social_liaison", "community_partner", "administrator"]


def seed(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
