"""Who is asking, in one query: the e-map layers' authentication and scope look-up.

A layer request needs the caller (bearer token → user, or the session's user), the caller's roles, unit
(its path decides the scope) and the layer caches' versions (:mod:`jingmin.geo.versions`). The
generic path costs six queries. :func:`for_token` reads the token and the versions in one small query on
every request, so a revoked or expired token is refused on the very next request; the user's row, roles
and unit are kept per process only while the ``auth`` and ``org`` versions are unchanged (a deactivated
user, a changed role or unit changes them). :func:`for_user` (session requests) reads unit, roles and
versions in one query.
"""

import datetime
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from ninja.security import APIKeyCookie, HttpBearer

from jingmin.geo import versions as layer_versions
from jingmin.geo.models import LayerVersion
from jingmin.org.models import ApiToken, Officer, Unit
from jingmin.org.otp import session_user

USER_FIELDS = ("id", "username", "is_active", "is_superuser", "is_staff")
UNIT_FIELDS = ("id", "code", "kind", "parent_id", "path", "name", "name_en")
MAX_CONTEXTS = 10_000
_contexts = {}  # user id -> ((org, auth) versions, the user query's row)

_sql = {}


def _q(name):
    return connection.ops.quote_name(name)


def _build_sql(by_token):
    User = get_user_model()
    groups = User.groups.field.remote_field.through
    group_model = User.groups.field.related_model
    group_col = groups._meta.get_field("group").column
    user_col = groups._meta.get_field(User._meta.model_name).column
    if connection.vendor == "postgresql":
        agg = "string_agg(g.name, ',')"
        every = "string_agg(v.key || '=' || v.version, ',')"
    else:
        agg = "group_concat(g.name, ',')"
        every = "group_concat(v.key || '=' || v.version, ',')"
    versions = f"(SELECT {every} FROM {_q(LayerVersion._meta.db_table)} v)"
    u = _q(User._meta.db_table)
    cols = [f"u.{_q(User._meta.get_field(f).column)}" for f in USER_FIELDS]
    cols += [f"un.{_q(Unit._meta.get_field(f).column)}" for f in UNIT_FIELDS]
    cols.append(
        f"(SELECT {agg} FROM {_q(groups._meta.db_table)} ug JOIN {_q(group_model._meta.db_table)} g "
        f"ON g.id = ug.{_q(group_col)} WHERE ug.{_q(user_col)} = u.id)"
    )
    cols.append(versions)
    joins = (
        f" LEFT JOIN {_q(Officer._meta.db_table)} o ON o.user_id = u.id"
        f" LEFT JOIN {_q(Unit._meta.db_table)} un ON un.id = o.unit_id"
    )
    if by_token:
        return (
            f"SELECT t.id, t.user_id, t.last_used_at, t.expires_at, {versions}"
            f" FROM {_q(ApiToken._meta.db_table)} t"
            " WHERE t.digest = %s AND t.revoked_at IS NULL AND t.expires_at > %s"
        )
    return f"SELECT {', '.join(cols)} FROM {u} u{joins} WHERE u.id = %s"


def _sql_for(by_token):
    key = (connection.vendor, by_token)
    if key not in _sql:
        _sql[key] = _build_sql(by_token)
    return _sql[key]


def _attach(user, row, versions=None):
    """Put the unit and roles of ``row`` (the tail after the user fields) and the versions on ``user``."""
    n_unit = len(UNIT_FIELDS)
    unit_values = row[:n_unit]
    unit = None
    if unit_values[0] is not None:
        unit = _from_db(Unit, UNIT_FIELDS, unit_values)  # boundary deferred
    user._jingmin_unit = unit
    names = row[n_unit]
    user._jingmin_roles = set(names.split(",")) if names else set()
    if versions is None:
        versions = _parse_versions(row[n_unit + 1])
    user._jingmin_layer_versions = versions if versions is not None else ensure_versions()
    return user


def _parse_versions(text):
    """``key=version,…`` as read by the queries → dict; None when a needed key has no row."""
    if not text:
        return None
    versions = {}
    for part in text.split(","):
        key, _sep, value = part.partition("=")
        versions[key] = int(value)
    if not layer_versions.NEEDED.issubset(versions):
        return None
    return versions


def ensure_versions():
    """Read the versions, re-creating the rows (new random values) a flush removed."""
    return layer_versions.ensure(layer_versions.NEEDED)


def context_stamp(versions):
    """The versions a caller's cached user row, roles and unit depend on."""
    return None if versions is None else (versions.get("org"), versions.get("auth"))


_checks = {}  # token digest -> (monotonic time of the check, the token query's row)


def recheck_seconds():
    """How long a process may reuse a token check (and the versions read with it): 0 = every request."""
    return float(getattr(settings, "JINGMIN_LAYER_RECHECK_SECONDS", 0.0))


def _recent_check(digest, now):
    ttl = recheck_seconds()
    if ttl <= 0:
        return None
    hit = _checks.get(digest)
    if hit is None or time.monotonic() - hit[0] >= ttl:
        return None
    row = hit[1]
    if row[3] is not None and row[3] <= now:  # expired since the check
        return None
    return row


def _remember_check(digest, row):
    if recheck_seconds() <= 0:
        return
    if len(_checks) >= MAX_CONTEXTS:
        _checks.clear()
    _checks[digest] = (time.monotonic(), row)


def for_token(raw):
    """(user, token) for a live bearer token, with unit, roles and versions attached; None otherwise.

    The token row and the versions are read by one small query, on every request unless
    ``JINGMIN_LAYER_RECHECK_SECONDS`` (default 0.5 s; 0 in the test suite) lets a process reuse its last
    check of the same token for that long: a revoked token, a write (new versions) then reach this process
    within that time; expiry is always checked against the clock. The user's fields, roles and unit come from a per-process cache that is used
    only while the ``auth`` and ``org`` versions are those just read (any write to users, groups,
    membership, officer profiles or units changes them); otherwise a second query reads them afresh.
    """
    now = timezone.now()
    digest = ApiToken.hash(raw)
    with connection.cursor() as cursor:
        row = _recent_check(digest, now)
        if row is None:
            cursor.execute(_sql_for(True), [digest, connection.ops.adapt_datetimefield_value(now)])
            row = cursor.fetchone()
            if row is None:
                _checks.pop(digest, None)
                return None
            row = (row[0], row[1], _dt(row[2]), _dt(row[3]), *row[4:])
            _remember_check(digest, row)
        token_id, user_id, last_used_at, expires_at = row[0], row[1], row[2], row[3]
        versions = _parse_versions(row[4])
        stamp = context_stamp(versions)
        hit = _contexts.get(user_id)
        if hit is not None and stamp is not None and hit[0] == stamp:
            user_row = hit[1]
        else:
            cursor.execute(_sql_for(False), [user_id])
            user_row = cursor.fetchone()
            if user_row is None:
                return None
            if stamp is not None:
                if len(_contexts) >= MAX_CONTEXTS:
                    _contexts.clear()
                _contexts[user_id] = (stamp, user_row)
    n_user = len(USER_FIELDS)
    values = _convert_bools(user_row[:n_user])
    if not values[2]:  # is_active
        return None
    user = _from_db(get_user_model(), USER_FIELDS, values)
    _attach(user, user_row[n_user:], versions)
    if last_used_at is None or (now - last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        hit = _checks.get(digest)
        if hit is not None:
            _checks[digest] = (hit[0], (*hit[1][:2], now, *hit[1][3:]))
    token = _from_db(
        ApiToken,
        ("id", "user_id", "last_used_at", "expires_at"),
        (token_id, user.pk, last_used_at, expires_at),
    )
    return user, token


def for_user(user):
    """Attach the signed-in ``user``'s unit, roles and the versions in one query (session requests)."""
    with connection.cursor() as cursor:
        cursor.execute(_sql_for(False), [user.pk])
        row = cursor.fetchone()
    if row is None:
        return user
    return _attach(user, row[len(USER_FIELDS) :])


def _from_db(model, names, values):
    """A model instance with only ``names`` loaded (the others deferred, so ``save()`` cannot clobber them)."""
    given = dict(zip(names, values, strict=True))
    fields = [f.attname for f in model._meta.concrete_fields if f.attname in given]
    return model.from_db(connection.alias, fields, [given[f] for f in fields])


def _dt(value):
    """A datetime column read with raw SQL: aware (SQLite hands back naive UTC or text)."""
    if value is None or not isinstance(value, (str, datetime.datetime)):
        return value
    if isinstance(value, str):
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def _convert_bools(values):
    # SQLite returns 0/1 for booleans from raw SQL
    return tuple(bool(v) if i >= 2 else v for i, v in enumerate(values))


def versions_of(user):
    """The versions read with the user's context, or a fresh read."""
    versions = getattr(user, "_jingmin_layer_versions", None)
    return versions if versions is not None else ensure_versions()


class LayerBearer(HttpBearer):
    """The bearer token of the JSON API (same rules as ``jingmin.api.BearerToken``), in one query."""

    def authenticate(self, request, token):
        found = for_token(token)
        if found is None:
            return None
        request.user, request.api_token = found
        return request.user


class LayerSession(APIKeyCookie):
    """The signed-in browser session (as ``jingmin.api.SessionAuth``), plus the caller's context in one query."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = session_user(request)
        return for_user(user) if user is not None else None


LAYER_AUTH = [LayerBearer(), LayerSession()]


def _forget_checks(**_kwargs):
    """A token or user written in this process: its next layer request checks again at once."""
    _checks.clear()


post_save.connect(_forget_checks, sender=ApiToken, dispatch_uid="layerauth-token-saved")
post_delete.connect(_forget_checks, sender=ApiToken, dispatch_uid="layerauth-token-deleted")
post_save.connect(_forget_checks, sender=get_user_model(), dispatch_uid="layerauth-user-saved")
