#!/usr/bin/env bash
# Extract translatable strings into each app's own catalogue (src/insyn/<app>/locale/sv/).
# Needs GNU gettext (xgettext); compiling needs nothing but Babel (make messages).
set -euo pipefail
cd "$(dirname "$0")/../src/insyn"
BIN="$(cd ../.. && pwd)/.venv/bin"
for app in */; do
  app=${app%/}
  [[ -f "$app/apps.py" ]] || continue
  (cd "$app" && mkdir -p locale && DJANGO_SETTINGS_MODULE=insyn.settings "$BIN/django-admin" makemessages -l sv --no-obsolete --no-location --ignore 'migrations/*' >/dev/null)
  echo "$app: $(grep -c '^msgid ' "$app/locale/sv/LC_MESSAGES/django.po" || true) strings"
done
