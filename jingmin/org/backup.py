"""Backups of the whole database and their restore.

PostgreSQL: ``pg_dump --format=custom`` / ``pg_restore --clean``; SQLite: the online backup API (a
consistent copy while the product runs). Each backup gets a manifest beside it (``FILE.json``): the
row count of every table, the audit chain's head, and fingerprints — never the keys — of the
field-encryption and audit keys in use, so a restore can say at once when the keys it runs with cannot
read the backup. The keys themselves (``JINGMIN_FERNET_KEYS``, ``JINGMIN_BLIND_INDEX_KEY``,
``JINGMIN_AUDIT_KEYS`` or the ``var/secret_key`` they derive from) are backed up separately.
"""

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, connections


class BackupError(Exception):
    pass


def _fingerprint(secret):
    return hashlib.sha256(
        b"jingmin key fingerprint:" + (secret if isinstance(secret, bytes) else secret.encode())
    ).hexdigest()[:16]


def key_fingerprints():
    from jingmin.audit import keys as audit_keys
    from jingmin.org import crypto

    fernet = [_fingerprint(k) for k in crypto._configured_keys()]
    return {"fernet": fernet, "audit": {kid: _fingerprint(s) for kid, s in audit_keys.keys().items()}}


def table_counts():
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def audit_head():
    from jingmin.audit.models import AuditEvent

    return AuditEvent.objects.order_by("-id").values("id", "hash").first()


def default_path():
    folder = Path(settings.VAR_DIR) / "backups"
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    suffix = "dump" if connection.vendor == "postgresql" else "sqlite3"
    return folder / f"jingmin-{stamp}.{suffix}"


def _pg_env_args():
    db = settings.DATABASES["default"]
    args = [
        "-h",
        db.get("HOST") or "127.0.0.1",
        "-p",
        str(db.get("PORT") or 5432),
        "-U",
        db.get("USER") or "postgres",
    ]
    env = {"PGPASSWORD": db.get("PASSWORD") or ""}
    return args, env, db["NAME"]


def _run(cmd, env):
    done = subprocess.run(cmd, env={**os.environ, **env}, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{cmd[0]} failed: {done.stderr.strip()[-2000:]}")


def backup(path=None):
    """Write a backup and its manifest; returns the backup's path."""
    path = Path(path) if path else default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "postgresql":
        if not shutil.which("pg_dump"):
            raise BackupError("pg_dump is not installed (Debian: apt-get install postgresql-client)")
        args, env, name = _pg_env_args()
        _run(["pg_dump", "--format=custom", "--no-owner", *args, "-f", str(path), name], env)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(str(path))
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        raise BackupError(f"backups of {connection.vendor} databases are not supported")
    manifest = {
        "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "vendor": connection.vendor,
        "tables": table_counts(),
        "audit_head": audit_head(),
        "keys": key_fingerprints(),
    }
    Path(f"{path}.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return path


def read_manifest(path):
    try:
        return json.loads(Path(f"{path}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def key_problems(manifest):
    """What the current keys cannot read of the backup, from its manifest's fingerprints."""
    if not manifest:
        return ["no manifest beside the backup: keys and counts cannot be checked"]
    now = key_fingerprints()
    problems = []
    if not set(manifest["keys"]["fernet"]) & set(now["fernet"]):
        problems.append(
            "none of the configured field-encryption keys (JINGMIN_FERNET_KEYS or the secret key) "
            "was in use when the backup was written: encrypted fields will not open"
        )
    for kid, fp in manifest["keys"]["audit"].items():
        if now["audit"].get(kid) != fp:
            problems.append(f"audit key {kid!r} of the backup is not configured: `audit verify` will fail")
    return problems


def restore(path):
    """Replace the database's content with the backup in ``path``; returns the manifest (or None)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no backup at {path}")
    manifest = read_manifest(path)
    if manifest and manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"the backup is of a {manifest['vendor']} database, this one is {connection.vendor}"
        )
    if connection.vendor == "postgresql":
        args, env, name = _pg_env_args()
        for alias in connections:
            connections[alias].close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *args,
                "-d",
                name,
                str(path),
            ],
            env,
        )
    elif connection.vendor == "sqlite":
        try:
            source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            source.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path} is not an SQLite backup: {exc}") from exc
        connection.ensure_connection()
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        raise BackupError(f"restores into {connection.vendor} databases are not supported")
    return manifest


def encrypted_columns():
    """(table, pk column, column) of every encrypted column of the installed apps: the
    ``EncryptedTextField`` columns and the text columns named ``*_enc`` (written with ``crypto.encrypt``)."""
    from jingmin.org.crypto import EncryptedTextField

    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField) or field.name.endswith("_enc"):
                found.append((model._meta.db_table, model._meta.pk.column, field.column))
    return found


def rotate_keys(batch_size=500, stdout=None):
    """Re-encrypt every encrypted value with the first configured key, in batches (each batch one
    transaction); returns {"table.column": rows re-encrypted}. Run after putting a new key first in
    JINGMIN_FERNET_KEYS (keep the old ones listed until this has finished)."""
    from django.db import transaction

    from jingmin.audit import log as audit
    from jingmin.org import crypto

    done = {}
    quote = connection.ops.quote_name
    for table, pk, column in encrypted_columns():
        count, last = 0, None
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                where = f"{quote(column)} <> ''" + (f" AND {quote(pk)} > %s" if last is not None else "")
                cursor.execute(
                    f"SELECT {quote(pk)}, {quote(column)} FROM {quote(table)} WHERE {where} "
                    f"ORDER BY {quote(pk)} LIMIT {int(batch_size)}",
                    [last] if last is not None else [],
                )
                rows = cursor.fetchall()
                for key, token in rows:
                    cursor.execute(
                        f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE {quote(pk)} = %s",
                        [crypto.rotate(token), key],
                    )
            if not rows:
                break
            count += len(rows)
            last = rows[-1][0]
        done[f"{table}.{column}"] = count
        if stdout is not None:
            stdout.write(f"{table}.{column}: {count} re-encrypted")
    audit.record("org.rotate_keys", obj=("org.crypto", "fernet"), extra={"columns": done})
    return done
