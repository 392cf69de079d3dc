"""Compile every gettext catalogue under src/insyn with Babel, so setup needs no system gettext."""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent / "src" / "insyn"


def main() -> None:
    count = 0
    for po_path in sorted(ROOT.rglob("locale/*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as fh:
            catalog = read_po(fh)
        with mo_path.open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        count += 1
    if count:
        print(f"compiled {count} message catalogue(s)")


if __name__ == "__main__":
    main()
