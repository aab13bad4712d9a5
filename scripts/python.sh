# Sourced by the scripts here: the Python that has rutterctl installed. An active virtual
# environment first (CI activates one), then the repository's .venv, then python3.
if [ -n "${VIRTUAL_ENV:-}" ] && [ -x "$VIRTUAL_ENV/bin/python" ]; then
  PY="$VIRTUAL_ENV/bin/python"
elif [ -x .venv/bin/python ]; then
  PY=.venv/bin/python
else
  PY=python3
fi
