"""What the people app announces, for the apps above it to react to (people imports none of them).

* ``person_moved(sender=Person, person, old_unit)``: the person's visiting unit changed (an edit, or a
  searched person found living elsewhere) — sent inside the write's transaction;
* ``persons_purged(sender=Person, persons)``: the retention purge anonymised these persons — sent inside
  the purge's transaction.
"""

from django.dispatch import Signal

person_moved = Signal()
persons_purged = Signal()
