from django.db import models


class LayerVersion(models.Model):
    """A version per kind of data the e-map layers show (``key``), for their caches' freshness.

    Database triggers set a key's version to a new random value in the same statement and transaction as
    any INSERT/UPDATE/DELETE of the tables it watches — actions, imports, ``QuerySet.update``,
    ``bulk_create``, admin and raw SQL alike. Each app creates the triggers of its own tables in its own
    migration with :func:`jingmin.geo.versions.watch`; geo itself watches ``org`` (units, their
    districts, villages and their beats) and ``auth`` (users, groups, group membership, officer profiles:
    the caller's roles and unit). Random values rather than ``+ 1`` so that a rolled-back transaction can
    never make an old value come back.
    """

    key = models.SlugField(max_length=40, unique=True)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "layer version"

    def __str__(self):
        return f"{self.key} {self.version}"
