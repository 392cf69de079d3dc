#!/usr/bin/env bash
# Extract translatable strings into each app's own catalogue (src/insyn/<app>/locale/sv/).
# Needs GNU gettext (xgettext); compiling needs nothing but Babel (make messages).
# Usage: scripts/makemessages.sh [APP ...]   (default: every app)
set -euo pipefail
cd "$(dirname "$0")/../src/insyn"
BIN="$(cd ../.. && pwd)/.venv/bin"
apps=("$@")
if [[ ${#apps[@]} -eq 0 ]]; then for d in */; do apps+=("${d%/}"); done; fi
for app in "${apps[@]}"; do
  [[ -f "$app/apps.py" ]] || continue
  (cd "$app" && mkdir -p locale && DJANGO_SETTINGS_MODULE=insyn.settings "$BIN/django-admin" makemessages -l sv --no-obsolete --no-location --ignore 'migrations/*' >/dev/null)
  echo "$app: $(grep -c '^msgid ' "$app/locale/sv/LC_MESSAGES/django.po" || true) strings"
done
