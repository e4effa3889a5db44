# Shared by scripts/run and scripts/test: venv with the locked requirements, var/ and demo secrets.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

ensure_venv() {
  # $1..: lock files to install; the stamp skips pip when their hash has not changed.
  if [ ! -x "$PY" ]; then
    echo ">> membuat virtualenv .venv"
    python3 -m venv "$VENV"
  fi
  local stamp="$VENV/.bansos-stamp-$(echo "$*" | tr ' /' '__')"
  local digest
  digest="$(cat "$@" pyproject.toml | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
    echo ">> memasang dependensi ($*)"
    "$VENV/bin/pip" install --quiet --upgrade pip
    for lock in "$@"; do "$VENV/bin/pip" install --quiet -r "$lock"; done
    "$VENV/bin/pip" install --quiet --no-deps -e .
    echo "$digest" >"$stamp"
  fi
}

ensure_var() {
  export BANSOS_VAR="${BANSOS_VAR:-$ROOT/var}"
  mkdir -p "$BANSOS_VAR"
  local envfile="$BANSOS_VAR/demo.env"
  if [ ! -f "$envfile" ]; then
    # Secrets are made once per machine so sessions survive restarts.
    "$PY" - "$envfile" <<'PYEOF'
import secrets, sys
with open(sys.argv[1], "w") as fh:
    fh.write("BANSOS_DEMO=1\n")
    fh.write(f"SERVICE_TOKEN={secrets.token_urlsafe(32)}\n")
    fh.write(f"ADMIN_SECRET_KEY={secrets.token_urlsafe(48)}\n")
PYEOF
    chmod 600 "$envfile"
  fi
  set -a
  # shellcheck disable=SC1090
  . "$envfile"
  set +a
}
