"""How visits follow what the people app announces (connected in ``VisitsConfig.ready``)."""

from django.dispatch import receiver

from jingmin.people.models import Person
from jingmin.people.signals import person_moved, persons_purged
from jingmin.visits.models import Plan, PlanStatus


@receiver(person_moved, sender=Person, dispatch_uid="visits.plans_follow_the_person")
def plans_follow_the_person(sender, person, old_unit, **kwargs):
    """The unit where the person now lives takes over the person's open visit plans."""
    Plan.objects.filter(person=person, status=PlanStatus.OPEN).update(unit=person.unit)


@receiver(persons_purged, sender=Person, dispatch_uid="visits.cancel_plans_of_purged")
def cancel_plans_of_purged(sender, persons, **kwargs):
    """Anonymised persons are visited no more: their open plans are cancelled."""
    Plan.objects.filter(person__in=persons, status=PlanStatus.OPEN).update(status=PlanStatus.CANCELLED)
