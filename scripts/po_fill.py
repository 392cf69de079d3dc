"""Fill Swedish msgstr values into .po catalogues, or list what is still untranslated.

    .venv/bin/python scripts/po_fill.py missing PO_FILE...
    .venv/bin/python scripts/po_fill.py fill translations.json PO_FILE...

PO_FILE is src/insyn/<app>/locale/sv/LC_MESSAGES/django.po.

translations.json maps msgid -> msgstr (for plurals: msgid -> [singular, plural]).
"""

from __future__ import annotations

import json
import sys

from babel.messages.pofile import read_po, write_po


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in {"fill", "missing"}:
        print(__doc__)
        return 2
    table: dict[str, object] = {}
    paths = argv[1:]
    if argv[0] == "fill":
        with open(argv[1], encoding="utf-8") as fh:
            table = json.load(fh)
        paths = argv[2:]
    missing_total = 0
    for path in paths:
        with open(path, "rb") as fh:
            catalog = read_po(fh)
        for message in catalog:
            if not message.id:
                continue
            plural = not isinstance(message.id, str)
            msgid = message.id[0] if plural else message.id
            if msgid in table:
                value = table[msgid]
                if plural:
                    message.string = tuple(value) if isinstance(value, list) else (value, value)
                else:
                    message.string = value
                message.flags.discard("fuzzy")
            done = message.string[0] if plural else message.string
            if not done or "fuzzy" in message.flags:
                missing_total += 1
                if argv[0] == "missing":
                    print(json.dumps(msgid, ensure_ascii=False))
        if argv[0] == "fill":
            with open(path, "wb") as fh:
                write_po(fh, catalog, width=100)
    if argv[0] == "fill":
        print(f"{missing_total} string(s) still untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
