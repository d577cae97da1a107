"""The persons layer of the e-map, declared for the map-layer framework of :mod:`jingmin.geo.layers`:
points for roles that may read persons, counts per village (no points) for the other map users."""

from jingmin.geo.layers import PointLayer, register


class PersonsLayer(PointLayer):
    """Persons listed today (inside their window, not purged) at their actual residence."""

    key = "persons"
    points_capability = "people.view"
    counts_capability = "people.map_counts"
    fields = {
        "name": "name",
        "kind": "kind",
        "category": "category__code",
        "whereabouts_unknown": "whereabouts_unknown",
    }
    per_day = True
    show_mode = True

    def rows(self, user, filters, day):
        from jingmin.people.models import Person

        return Person.objects.visible_to(user).listed(day)

    def counted(self, day):
        from jingmin.people.models import Person

        return Person.objects.listed(day)


register(PersonsLayer)
