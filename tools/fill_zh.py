"""Fill zh-Hant translations in jingmin/locale/zh_Hant/LC_MESSAGES/django.po from tools/zh/*.py.

Translators normally edit the .po file directly; this keeps the seed translations of new msgids in one
reviewable place. Run: python tools/fill_zh.py && (cd jingmin && django-admin compilemessages).
"""

import runpy
import sys
from pathlib import Path

import polib


def load():
    """Merge ZH and PLURALS from every module in tools/zh/ (one per app, so parallel work does not collide)."""
    zh, plurals = {}, {}
    for path in sorted((Path(__file__).parent / "zh").glob("*.py")):
        namespace = runpy.run_path(str(path))
        zh.update(namespace.get("ZH", {}))
        plurals.update(namespace.get("PLURALS", {}))
    return zh, plurals


def main(path="jingmin/locale/zh_Hant/LC_MESSAGES/django.po"):
    ZH, PLURALS = load()  # noqa: N806
    po = polib.pofile(path)
    missing = []
    for entry in po:
        if entry.msgid_plural:
            text = PLURALS.get(entry.msgid)
            if text:
                entry.msgstr_plural = {0: text}
            elif not entry.msgstr_plural.get(0):
                missing.append(entry.msgid)
        elif entry.msgid in ZH:
            entry.msgstr = ZH[entry.msgid]
        elif "fuzzy" in entry.flags or not entry.msgstr:
            # makemessages' fuzzy guesses are often wrong (other meaning, other placeholders): never ship them
            entry.msgstr = ""
            missing.append(entry.msgid)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            if entry.msgid_plural and entry.msgid not in PLURALS:
                entry.msgstr_plural = {0: ""}
    po.metadata_is_fuzzy = False
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.metadata["Language"] = "zh_Hant"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save(path)
    po.save_as_mofile(path[:-3] + ".mo")
    for m in missing:
        print("missing:", m)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
